with

source as (

    select * from {{ source('staff_survey', 'staff_survey') }}

),

pseudonyms as (

    select * from {{ source('staff_survey', 'staff_survey_pseudonyms') }}

),

ethnic_categories as (

    select * from {{ ref('ethnic_categories') }}

),

renamed as (

    select
        organisation_code,
        survey_year,
        respondent_id_pseudonyms.pseudonym as respondent_id,
        ethnic_origin,
        {{ ethnic_category_code('ethnic_origin') }} as ethnic_category_code,
        disability,
        sex,
        occupational_group,
        answers,
        _file_name as source_file_name,
        _line_number as source_line_number

    from source
    left join pseudonyms as respondent_id_pseudonyms on respondent_id_pseudonyms.value = source.respondent_id

),

final as (

    select
        renamed.*,
        {{ ethnic_group('ethnic_categories') }} as ethnic_group

    from renamed
    left join ethnic_categories on ethnic_categories.category_code = left(renamed.ethnic_category_code, 1)

)

select * from final
