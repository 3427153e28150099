{#- Indicator 2: shortlisted applications (shortlisted = Y, shortlisted_date in the event period) and how many
    were appointed, by the applicant's ethnic group. -#}

with

reporting_years as (

    select * from {{ ref('int_wres_reporting_years') }}

),

applications as (

    select * from {{ ref('stg_recruitment__applications') }}

),

ethnic_groups as (

    select * from {{ ref('ethnic_groups') }}

),

shortlisted as (

    select
        reporting_years.organisation_code,
        reporting_years.wres_year,
        applications.ethnic_group,
        count(*) as shortlisted,
        count(*) filter (where applications.is_appointed) as appointed

    from applications
    inner join reporting_years
        on reporting_years.organisation_code = applications.organisation_code
        and applications.shortlisted_date between reporting_years.period_start and reporting_years.period_end
    where applications.is_shortlisted
    group by 1, 2, 3

),

final as (

    select
        reporting_years.organisation_code,
        reporting_years.wres_year,
        2 as indicator,
        'all' as breakdown,
        ethnic_groups.ethnic_group,
        coalesce(shortlisted.appointed, 0) as numerator,
        coalesce(shortlisted.shortlisted, 0) as denominator,
        {{ pct('coalesce(shortlisted.appointed, 0)', 'coalesce(shortlisted.shortlisted, 0)') }} as value

    from reporting_years
    cross join ethnic_groups
    left join shortlisted
        on shortlisted.organisation_code = reporting_years.organisation_code
        and shortlisted.wres_year = reporting_years.wres_year
        and shortlisted.ethnic_group = ethnic_groups.ethnic_group

)

select * from final
