{#- One row per survey respondent and indicator 5 to 8 that the question map covers for the survey year:
    whether the respondent is in the indicator's base (answered its question, or for indicator 6 at least one
    of its two questions, with a valid code) and whether they are positive (seed survey_answer_codes). The rule
    is macro survey_responses, shared with int_equality_survey_responses. -#}

{#- Built after int_equality_survey_responses, not beside it: at national scale the largest models,
    run side by side on dbt's two threads, take longer and can run out of memory (docs/performance.md, item 30). #}
-- depends_on: {{ ref('int_equality_survey_responses') }}

with

respondents as (

    select * from {{ rebuild_scope(ref('stg_staff_survey__respondents')) }}

),

answers as (

    select * from {{ rebuild_scope(ref('stg_staff_survey__answers')) }}

),

answer_codes as (

    select * from {{ ref('survey_answer_codes') }}

),

mapped_questions as (

    select
        survey_year,
        wres_indicator as indicator,
        wres_indicator as answer_indicator,
        question

    from ({{ survey_question_slots(ref('survey_question_map')) }}) as slots

),

final as (

    {{ survey_responses('respondents', 'answers', 'mapped_questions', 'answer_codes', 'indicator', ['ethnic_group']) }}

)

select * from final
