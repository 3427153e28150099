{#- One row per survey respondent and survey metric (seed survey_metric_questions: the WRES indicators 5 to 8
    and WDES metrics 4a and 5, by question slot of seed survey_question_map) that the question map covers for
    the survey year: whether the respondent is in the metric's base (answered one of its questions with a valid
    code) and whether they are positive (seed survey_answer_codes), with the respondent's own ethnic group,
    disability and sex answers. The rule is macro survey_responses, shared with
    int_staff_survey_indicator_responses. -#}

{#- Built after int_workforce_people_by_snapshot, not beside it: at national scale the largest models,
    run side by side on dbt's two threads, take longer and can run out of memory (docs/performance.md, item 30). #}
-- depends_on: {{ ref('int_workforce_people_by_snapshot') }}

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

metric_questions as (

    select * from {{ ref('survey_metric_questions') }}

),

mapped_questions as (

    select
        slots.survey_year,
        metric_questions.metric,
        metric_questions.answer_indicator,
        slots.question

    from ({{ survey_question_slots(ref('survey_question_map')) }}) as slots
    inner join metric_questions on metric_questions.question_slot = slots.question_slot

),

final as (

    {{ survey_responses('respondents', 'answers', 'mapped_questions', 'answer_codes', 'metric',
                        ['ethnic_group', 'disability', 'sex']) }}

)

select * from final
