{#- One row per survey respondent and indicator 5 to 8 that the question map covers for the survey year: the
    WRES subset of int_equality_survey_responses, whose survey metrics harassment_public, harassment_staff,
    career_progression and discrimination are indicators 5 to 8 (seed equality_metrics, wres_indicator).
    A view: the respondents' answers are read once, by int_equality_survey_responses, and the subset is not
    written again (docs/performance.md, item 32). -#}

{{ config(materialized='view') }}

with

survey_responses as (

    select * from {{ ref('int_equality_survey_responses') }}

),

metrics as (

    select * from {{ ref('equality_metrics') }}

),

indicator_metrics as (

    select
        metric,
        wres_indicator as indicator

    from metrics
    where family = 'survey' and wres_indicator is not null

),

final as (

    select
        survey_responses.organisation_code,
        survey_responses.survey_year,
        survey_responses.respondent_id,
        survey_responses.ethnic_group,
        indicator_metrics.indicator,
        survey_responses.is_in_base,
        survey_responses.is_positive

    from survey_responses
    inner join indicator_metrics on indicator_metrics.metric = survey_responses.metric

)

select * from final
