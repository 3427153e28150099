{#- Single-year counts of indicators 3 and 4 per reported year and ethnic group: numerator = event people of
    the group, denominator = the group's count in the workforce population P(O, Y). Zero rows included. The
    rule is macro event_counts, shared with int_equality_event_counts (every characteristic). -#}

with

counts as (

    {{ event_counts(
        reporting_years=rebuild_scope(ref('int_wres_reporting_years')),
        groups=wres_group_scaffold(ref('ethnic_groups')),
        event_people=rebuild_scope(ref('int_wres_event_people')),
        population=rebuild_scope(ref('int_wres_workforce_population')),
        event_types=['disciplinary', 'training'],
        characteristics=wres_characteristics()
    ) }}

),

final as (

    select
        event_type,
        organisation_code,
        wres_year,
        group_name as ethnic_group,
        numerator,
        denominator

    from counts

)

select * from final
