{#- What each reported organisation-year has from every source (spec indicators.md, "Which years are
    reported"): whatever is missing is named by a data-quality check, not silently skipped. Indicators 5-8 need
    survey respondents in Y-1 and a question map for Y-1; indicator 9 a board member on 31 March; the rolling
    indicator 3 the previous year reported. Indicators 2-4 always appear, but a year with no shortlisted
    application, no case or no training record in the period is worth a look. -#}

with

reporting_years as (

    select * from {{ rebuild_scope(ref('int_wres_reporting_years')) }}

),

return_rows as (

    select * from {{ rebuild_scope(ref('rpt_wres_return')) }}

),

respondents as (

    select * from {{ rebuild_scope(ref('stg_staff_survey__respondents')) }}

),

question_map as (

    select * from {{ ref('survey_question_map') }}

),

cases as (

    select * from {{ rebuild_scope(ref('stg_employee_relations__cases')) }}

),

indicator_totals as (

    select
        organisation_code,
        wres_year,
        bool_or(indicator = 5) as has_survey_indicators,
        bool_or(indicator = 9) as has_board_indicator,
        bool_or(indicator = 3 and breakdown = 'rolling_two_year') as has_rolling_disciplinary,
        coalesce(sum(denominator) filter (where indicator = 2), 0) as shortlisted_applications,
        coalesce(sum(numerator) filter (where indicator = 4), 0) as people_with_training

    from return_rows
    group by 1, 2

),

survey_respondents as (

    select organisation_code, survey_year, count(*) as respondents
    from respondents
    group by 1, 2

),

case_counts as (

    select
        reporting_years.organisation_code,
        reporting_years.wres_year,
        count(*) as cases_in_period

    from reporting_years
    inner join cases
        on cases.organisation_code = reporting_years.organisation_code
        and coalesce(cases.formal_start_date, cases.informal_start_date)
            between reporting_years.period_start and reporting_years.period_end
    group by 1, 2

),

final as (

    select
        reporting_years.organisation_code,
        reporting_years.wres_year,
        reporting_years.survey_year,
        coalesce(survey_respondents.respondents, 0) as survey_respondents,
        question_map.survey_year is not null as is_survey_year_mapped,
        coalesce(indicator_totals.has_survey_indicators, false) as has_survey_indicators,
        coalesce(indicator_totals.has_board_indicator, false) as has_board_indicator,
        reporting_years.is_previous_year_reported,
        coalesce(indicator_totals.has_rolling_disciplinary, false) as has_rolling_disciplinary,
        coalesce(indicator_totals.shortlisted_applications, 0) as shortlisted_applications,
        coalesce(case_counts.cases_in_period, 0) as cases_in_period,
        coalesce(indicator_totals.people_with_training, 0) as people_with_training

    from reporting_years
    left join indicator_totals
        on indicator_totals.organisation_code = reporting_years.organisation_code
        and indicator_totals.wres_year = reporting_years.wres_year
    left join survey_respondents
        on survey_respondents.organisation_code = reporting_years.organisation_code
        and survey_respondents.survey_year = reporting_years.survey_year
    left join question_map on question_map.survey_year = reporting_years.survey_year
    left join case_counts
        on case_counts.organisation_code = reporting_years.organisation_code
        and case_counts.wres_year = reporting_years.wres_year

)

select * from final
order by organisation_code, wres_year
