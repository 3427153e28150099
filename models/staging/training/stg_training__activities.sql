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
        {{ pseudonym('employee_number', 'pseudonyms') }} as employee_number,
        course_code,
        course_name,
        category,
        activity_date,
        _file_name as source_file_name,
        _line_number as source_line_number

    from source

)

select * from renamed
