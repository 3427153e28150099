with

source as (

    select * from {{ source('staff_survey', 'staff_survey_answers') }}

),

renamed as (

    select
        organisation_code,
        survey_year,
        respondent_id,
        question,
        answer

    from source

)

select * from renamed
