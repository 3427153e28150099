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
        respondent_id_pseudonyms.pseudonym as respondent_id,
        question,
        answer

    from source
    left join pseudonyms as respondent_id_pseudonyms on respondent_id_pseudonyms.value = source.respondent_id

)

select * from renamed
