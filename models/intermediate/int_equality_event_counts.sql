{#- Single-year counts of the event indicators for every characteristic the HR snapshots hold (ethnicity,
    disability, sex, age group): formal disciplinary (WRES 3), formal capability (WDES 3) and non-mandatory
    training (WRES 4). numerator = event people of the group (their values from the latest snapshot on or
    before 31 March; Unknown without one, except the ethnic group's fallback to the case row), denominator =
    the group's count in the workforce population P(O, Y). Every event type and group appears, with zeros.
    The rule is macro event_counts, the one int_wres_event_counts applies to ethnicity alone. -#}

{%- set characteristics = equality_characteristics(['ethnicity', 'disability', 'sex', 'age_group']) %}

with

event_people as (

    select * from {{ rebuild_scope(ref('int_wres_event_people')) }}
    union all
    select * from {{ rebuild_scope(ref('int_capability_event_people')) }}

),

counts as (

    {{ event_counts(
        reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
        groups=equality_group_scaffold(ref('equality_groups'), characteristics),
        event_people='event_people',
        population=rebuild_scope(ref('int_wres_workforce_population')),
        event_types=['disciplinary', 'capability', 'training'],
        characteristics=characteristics,
        group_codes=ref('equality_group_codes')
    ) }}

)

select * from counts
