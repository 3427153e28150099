{#- One row per survey respondent and survey metric (seed survey_metric_questions: the WRES indicators 5 to 8
    and WDES metrics 4a and 5, by question slot of seed survey_question_map) that the question map covers for
    the survey year: whether the respondent is in the metric's base (answered one of its questions with a valid
    code) and whether they are positive (one such answer is positive: seed survey_answer_codes), with the
    respondent's own ethnic group, disability and sex answers. int_staff_survey_indicator_responses is its WRES
    subset.
    The answers are looked up in the respondent's own row (`answers`, keyed by question column): no answer is
    joined or grouped, which took three times as long at national scale (docs/performance.md, item 42). -#}

{#- Built after int_wres_workforce_population, not beside it: at national scale the largest models,
    run side by side on dbt's two threads, take longer and can run out of memory (docs/performance.md, item 30). #}
-- depends_on: {{ ref('int_wres_workforce_population') }}

with

respondents as (

    select * from {{ rebuild_scope(ref('stg_staff_survey__respondents')) }}

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

question_codes as (

    {#- The valid answer codes of each survey year's question for each metric, and those of them that are
        positive. -#}
    select
        mapped_questions.survey_year,
        mapped_questions.metric,
        mapped_questions.question,
        coalesce(list(answer_codes.answer_code) filter (where answer_codes.answer_code is not null), [])
            as valid_codes,
        coalesce(list(answer_codes.answer_code) filter (where answer_codes.is_positive), []) as positive_codes

    from mapped_questions
    left join answer_codes on answer_codes.indicator = mapped_questions.answer_indicator
    group by mapped_questions.survey_year, mapped_questions.metric, mapped_questions.question

),

survey_metrics as (

    {#- Each survey year's metrics, with their questions (one, or two for harassment by staff) and codes. -#}
    select
        survey_year,
        metric,
        list({'question': question, 'valid_codes': valid_codes, 'positive_codes': positive_codes})
            as questions

    from question_codes
    group by survey_year, metric

),

final as (

    select
        respondents.organisation_code,
        respondents.survey_year,
        respondents.respondent_id,
        respondents.ethnic_group,
        respondents.disability,
        respondents.sex,
        survey_metrics.metric,
        coalesce(
            list_bool_or([list_contains(q.valid_codes, respondents.answers[q.question]) for q in survey_metrics.questions]),
            false
        ) as is_in_base,
        coalesce(
            list_bool_or([list_contains(q.positive_codes, respondents.answers[q.question]) for q in survey_metrics.questions]),
            false
        ) as is_positive

    from respondents
    inner join survey_metrics on survey_metrics.survey_year = respondents.survey_year

)

select * from final
