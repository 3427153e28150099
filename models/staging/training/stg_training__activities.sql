with

source as (

    select * from {{ source('training', 'training') }}

),

pseudonyms as (

    select * from {{ source('training', 'training_pseudonyms') }}

),

renamed as (

    select
        organisation_code,
        record_id,
        employee_number_pseudonyms.pseudonym as employee_number,
        course_code,
        course_name,
        category,
        activity_date,
        _file_name as source_file_name,
        _line_number as source_line_number

    from source
    left join pseudonyms as employee_number_pseudonyms on employee_number_pseudonyms.value = source.employee_number

)

select * from renamed
