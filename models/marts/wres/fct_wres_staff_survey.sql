{#- Indicators 5 to 8 from the staff survey fielded in year Y-1: respondents in each indicator's base and
    those answering positively, by the respondent's own ethnic group. Present when the organisation has
    respondents in Y-1 and the question map covers Y-1. -#}

with

reporting_years as (

    select * from {{ ref('int_wres_reporting_years') }}

),

responses as (

    select * from {{ ref('int_staff_survey_indicator_responses') }}

),

ethnic_groups as (

    select * from {{ ref('ethnic_groups') }}

),

surveyed_years as (

    select distinct
        reporting_years.organisation_code,
        reporting_years.wres_year,
        reporting_years.survey_year,
        responses.indicator

    from reporting_years
    inner join responses
        on responses.organisation_code = reporting_years.organisation_code
        and responses.survey_year = reporting_years.survey_year

),

counts as (

    select
        organisation_code,
        survey_year,
        indicator,
        ethnic_group,
        count(*) filter (where is_in_base) as base,
        count(*) filter (where is_in_base and is_positive) as positive

    from responses
    group by 1, 2, 3, 4

),

final as (

    select
        surveyed_years.organisation_code,
        surveyed_years.wres_year,
        surveyed_years.indicator,
        'all' as breakdown,
        ethnic_groups.ethnic_group,
        coalesce(counts.positive, 0) as numerator,
        coalesce(counts.base, 0) as denominator,
        {{ pct('coalesce(counts.positive, 0)', 'coalesce(counts.base, 0)') }} as value

    from surveyed_years
    cross join ethnic_groups
    left join counts
        on counts.organisation_code = surveyed_years.organisation_code
        and counts.survey_year = surveyed_years.survey_year
        and counts.indicator = surveyed_years.indicator
        and counts.ethnic_group = ethnic_groups.ethnic_group

)

select * from final
