with

source as (

    select * from {{ source('recruitment', 'recruitment') }}

),

{#- Joined twice: not materialized, so that each join reads the mapping table itself, not a copy of it that
    DuckDB would otherwise make for every query of the view (docs/performance.md, item 68). -#}
pseudonyms as not materialized (

    select * from {{ source('recruitment', 'recruitment_pseudonyms') }}

),

ethnic_categories as (

    select * from {{ ref('ethnic_categories') }}

),

renamed as (

    select
        organisation_code,
        application_id_pseudonyms.pseudonym as application_id,
        vacancy_id,
        applicant_id_pseudonyms.pseudonym as applicant_id,
        ethnic_origin,
        {{ ethnic_category_code('ethnic_origin') }} as ethnic_category_code,
        disability,
        sex,
        shortlisted as is_shortlisted,
        shortlisted_date,
        appointed as is_appointed,
        appointed_date,
        staff_group,
        pay_band,
        _file_name as source_file_name,
        _line_number as source_line_number

    from source
    left join pseudonyms as application_id_pseudonyms on application_id_pseudonyms.value = source.application_id
    left join pseudonyms as applicant_id_pseudonyms on applicant_id_pseudonyms.value = source.applicant_id

),

final as (

    select
        renamed.*,
        {{ ethnic_group('ethnic_categories') }} as ethnic_group

    from renamed
    left join ethnic_categories on ethnic_categories.category_code = left(renamed.ethnic_category_code, 1)

)

select * from final
