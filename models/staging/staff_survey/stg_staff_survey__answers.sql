with

source as (

    select * from {{ source('staff_survey', 'staff_survey_answers') }}

),

pseudonyms as (

    select * from {{ source('staff_survey', 'staff_survey_pseudonyms') }}

),

renamed as (

    select
        organisation_code,
        survey_year,
        {{ pseudonym('respondent_id', 'pseudonyms') }} as respondent_id,
        question,
        answer

    from source

)

select * from renamed
