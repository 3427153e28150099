{#- Single-year counts of indicators 3 and 4 per reported year and ethnic group: numerator = event people of
    the group, denominator = the group's count in the workforce population P(O, Y). Zero rows included. -#}

with

reporting_years as (

    select * from {{ ref('int_wres_reporting_years') }}

),

ethnic_groups as (

    select * from {{ ref('ethnic_groups') }}

),

event_people as (

    select * from {{ ref('int_wres_event_people') }}

),

population as (

    select * from {{ ref('int_wres_workforce_population') }}

),

event_types as (

    select 'disciplinary' as event_type
    union all
    select 'training' as event_type

),

scaffold as (

    select
        event_types.event_type,
        reporting_years.organisation_code,
        reporting_years.wres_year,
        ethnic_groups.ethnic_group

    from reporting_years
    cross join event_types
    cross join ethnic_groups

),

event_counts as (

    select event_type, organisation_code, wres_year, ethnic_group, count(*) as people
    from event_people
    group by event_type, organisation_code, wres_year, ethnic_group

),

population_counts as (

    select organisation_code, wres_year, ethnic_group, count(*) as people
    from population
    group by organisation_code, wres_year, ethnic_group

),

final as (

    select
        scaffold.event_type,
        scaffold.organisation_code,
        scaffold.wres_year,
        scaffold.ethnic_group,
        coalesce(event_counts.people, 0) as numerator,
        coalesce(population_counts.people, 0) as denominator

    from scaffold
    left join event_counts
        on event_counts.event_type = scaffold.event_type
        and event_counts.organisation_code = scaffold.organisation_code
        and event_counts.wres_year = scaffold.wres_year
        and event_counts.ethnic_group = scaffold.ethnic_group
    left join population_counts
        on population_counts.organisation_code = scaffold.organisation_code
        and population_counts.wres_year = scaffold.wres_year
        and population_counts.ethnic_group = scaffold.ethnic_group

)

select * from final
