{#- One row per survey respondent and indicator 5 to 8 that the question map covers for the survey year:
    whether the respondent is in the indicator's base (answered its question, or for indicator 6 at least one
    of its two questions, with a valid code) and whether they are positive (seed survey_answer_codes). -#}

with

respondents as (

    select * from {{ ref('stg_staff_survey__respondents') }}

),

answers as (

    select * from {{ ref('stg_staff_survey__answers') }}

),

question_map as (

    select * from {{ ref('survey_question_map') }}

),

answer_codes as (

    select * from {{ ref('survey_answer_codes') }}

),

mapped_questions as (

    select survey_year, 5 as indicator, lower(trim(indicator_5)) as question from question_map
    union all
    select survey_year, 6 as indicator, lower(trim(indicator_6_first)) as question from question_map
    union all
    select survey_year, 6 as indicator, lower(trim(indicator_6_second)) as question from question_map
    union all
    select survey_year, 7 as indicator, lower(trim(indicator_7)) as question from question_map
    union all
    select survey_year, 8 as indicator, lower(trim(indicator_8)) as question from question_map

),

respondent_questions as (

    select
        respondents.organisation_code,
        respondents.survey_year,
        respondents.respondent_id,
        respondents.ethnic_group,
        mapped_questions.indicator,
        answer_codes.answer_code is not null as is_answered,
        coalesce(answer_codes.is_positive, false) as is_positive

    from respondents
    inner join mapped_questions
        on mapped_questions.survey_year = respondents.survey_year
    left join answers
        on answers.organisation_code = respondents.organisation_code
        and answers.survey_year = respondents.survey_year
        and answers.respondent_id = respondents.respondent_id
        and answers.question = mapped_questions.question
    left join answer_codes
        on answer_codes.indicator = mapped_questions.indicator
        and answer_codes.answer_code = answers.answer
    where mapped_questions.question is not null

),

final as (

    select
        organisation_code,
        survey_year,
        respondent_id,
        ethnic_group,
        indicator,
        bool_or(is_answered) as is_in_base,
        bool_or(is_answered and is_positive) as is_positive

    from respondent_questions
    group by organisation_code, survey_year, respondent_id, ethnic_group, indicator

)

select * from final
