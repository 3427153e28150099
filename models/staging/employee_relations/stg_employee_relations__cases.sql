with

source as (

    select * from {{ source('employee_relations', 'employee_relations') }}

),

{#- Joined twice: not materialized, so that each join reads the mapping table itself, not a copy of it that
    DuckDB would otherwise make for every query of the view (docs/performance.md, item 68). -#}
pseudonyms as not materialized (

    select * from {{ source('employee_relations', 'employee_relations_pseudonyms') }}

),

ethnic_categories as (

    select * from {{ ref('ethnic_categories') }}

),

renamed as (

    select
        organisation_code,
        case_id_pseudonyms.pseudonym as case_id,
        employee_number_pseudonyms.pseudonym as employee_number,
        case_type,
        formal_start_date,
        informal_start_date,
        outcome,
        ethnic_origin,
        {{ ethnic_category_code('ethnic_origin') }} as ethnic_category_code,
        _file_name as source_file_name,
        _line_number as source_line_number

    from source
    left join pseudonyms as case_id_pseudonyms on case_id_pseudonyms.value = source.case_id
    left join pseudonyms as employee_number_pseudonyms on employee_number_pseudonyms.value = source.employee_number

),

final as (

    select
        renamed.*,
        {{ ethnic_group('ethnic_categories') }} as ethnic_group

    from renamed
    left join ethnic_categories on ethnic_categories.category_code = left(renamed.ethnic_category_code, 1)

)

select * from final
