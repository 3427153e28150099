{#- Indicator 3: people entering a formal disciplinary investigation, over the workforce population.
    single_year: the year's counts. rolling_two_year (only when the previous year is reported too): the
    numerators of Y and Y-1 added, and the denominators of Y and Y-1 added. -#}

with

reporting_years as (

    select * from {{ ref('int_wres_reporting_years') }}

),

event_counts as (

    select * from {{ ref('int_wres_event_counts') }}
    where event_type = 'disciplinary'

),

single_year as (

    select
        organisation_code,
        wres_year,
        'single_year' as breakdown,
        ethnic_group,
        numerator,
        denominator

    from event_counts

),

rolling_two_year as (

    select
        this_year.organisation_code,
        this_year.wres_year,
        'rolling_two_year' as breakdown,
        this_year.ethnic_group,
        this_year.numerator + previous_year.numerator as numerator,
        this_year.denominator + previous_year.denominator as denominator

    from single_year as this_year
    inner join reporting_years
        on reporting_years.organisation_code = this_year.organisation_code
        and reporting_years.wres_year = this_year.wres_year
    inner join single_year as previous_year
        on previous_year.organisation_code = this_year.organisation_code
        and previous_year.wres_year = this_year.wres_year - 1
        and previous_year.ethnic_group = this_year.ethnic_group
    where reporting_years.is_previous_year_reported

),

unioned as (

    select * from single_year
    union all
    select * from rolling_two_year

),

final as (

    select
        organisation_code,
        wres_year,
        3 as indicator,
        breakdown,
        ethnic_group,
        numerator,
        denominator,
        {{ pct('numerator', 'denominator') }} as value

    from unioned

)

select * from final
