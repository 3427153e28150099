{#- One row per survey respondent and survey metric (seed survey_metric_questions: the WRES indicators 5 to 8
    and WDES metrics 4a and 5, by question slot of seed survey_question_map) that the question map covers for
    the survey year: whether the respondent is in the metric's base (answered one of its questions with a valid
    code) and whether they are positive (one such answer is positive: seed survey_answer_codes), with the
    respondent's own ethnic group, disability and sex answers. int_staff_survey_indicator_responses is its WRES
    subset.
    The valid answers are grouped by a row number of the respondent, not by the respondent's key (organisation,
    year, pseudonym) and the carried answers: half the time at national scale (docs/performance.md, item 28). -#}

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

question_map as (

    select * from {{ ref('survey_question_map') }}

),

answer_codes as (

    select * from {{ ref('survey_answer_codes') }}

),

metric_questions as (

    select * from {{ ref('survey_metric_questions') }}

),

question_slots as (

    {#- The question map unpivoted: one row per survey year and question slot (the seed's column), with the
        question column it names that year. -#}
    {%- set slots = ['indicator_5', 'indicator_6_first', 'indicator_6_second', 'indicator_7', 'indicator_8'] %}
    {%- for slot in slots %}
    select survey_year, '{{ slot }}' as question_slot, lower(trim({{ slot }})) as question
    from question_map
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

mapped_questions as (

    select
        question_slots.survey_year,
        metric_questions.metric,
        metric_questions.answer_indicator,
        question_slots.question

    from question_slots
    inner join metric_questions on metric_questions.question_slot = question_slots.question_slot
    where question_slots.question is not null

),

survey_metrics as (

    select distinct survey_year, metric
    from mapped_questions

),

numbered_respondents as (

    select
        organisation_code,
        survey_year,
        respondent_id,
        ethnic_group,
        disability,
        sex,
        row_number() over () as respondent_row

    from respondents

),

answered as materialized (

    {#- Every answer with its respondent's row number, computed on its own (`materialized`): left to reorder
        this join with the next, DuckDB 1.5 joined the answers to the answer codes first, 67 million rows, and
        the model took three times as long (docs/performance.md, item 34). #}
    select
        numbered_respondents.respondent_row,
        answers.survey_year,
        answers.question,
        answers.answer

    from answers
    inner join numbered_respondents
        on numbered_respondents.organisation_code = answers.organisation_code
        and numbered_respondents.survey_year = answers.survey_year
        and numbered_respondents.respondent_id = answers.respondent_id

),

valid_codes as (

    {#- The valid answer codes of each survey year's question for each metric, and whether each is positive. #}
    select
        mapped_questions.survey_year,
        mapped_questions.question,
        mapped_questions.metric,
        answer_codes.answer_code,
        coalesce(answer_codes.is_positive, false) as is_positive

    from mapped_questions
    inner join answer_codes on answer_codes.indicator = mapped_questions.answer_indicator

),

valid_answers as (

    select
        answered.respondent_row,
        valid_codes.metric,
        bool_or(valid_codes.is_positive) as is_positive

    from answered
    inner join valid_codes
        on valid_codes.survey_year = answered.survey_year
        and valid_codes.question = answered.question
        and valid_codes.answer_code = answered.answer
    group by answered.respondent_row, valid_codes.metric

),

final as (

    select
        numbered_respondents.organisation_code,
        numbered_respondents.survey_year,
        numbered_respondents.respondent_id,
        numbered_respondents.ethnic_group,
        numbered_respondents.disability,
        numbered_respondents.sex,
        survey_metrics.metric,
        valid_answers.respondent_row is not null as is_in_base,
        coalesce(valid_answers.is_positive, false) as is_positive

    from numbered_respondents
    inner join survey_metrics on survey_metrics.survey_year = numbered_respondents.survey_year
    left join valid_answers
        on valid_answers.respondent_row = numbered_respondents.respondent_row
        and valid_answers.metric = survey_metrics.metric

)

select * from final
