with

source as (

    select * from {{ source('esr', 'staff_in_post') }}

),

{#- Joined twice: not materialized, so that each join reads the mapping table itself, not a copy of it that
    DuckDB would otherwise make for every query of the view (docs/performance.md, item 68). -#}
pseudonyms as not materialized (

    select * from {{ source('esr', 'staff_in_post_pseudonyms') }}

),

ethnic_categories as (

    select * from {{ ref('ethnic_categories') }}

),

renamed as (

    select
        organisation_code,
        snapshot_date,
        employee_number_pseudonyms.pseudonym as employee_number,
        assignment_number_pseudonyms.pseudonym as assignment_number,
        {#- The last tie-break of the workforce population needs the raw assignment numbers' text order. The
            window runs after the pseudonym joins: before them, DuckDB took twice as long (docs/performance.md). #}
        row_number() over (
            partition by source.organisation_code, source.snapshot_date, source.employee_number
            order by source.assignment_number
        ) as assignment_order,
        coalesce(primary_assignment, false) as is_primary_assignment,
        assignment_category,
        staff_group,
        occupation_code,
        pay_band,
        grade,
        fte,
        ethnic_origin,
        {{ ethnic_category_code('ethnic_origin') }} as ethnic_category_code,
        disability,
        sex,
        age_band,
        religious_belief,
        sexual_orientation,
        hourly_rate,
        _file_name as source_file_name,
        _line_number as source_line_number

    from source
    left join pseudonyms as employee_number_pseudonyms on employee_number_pseudonyms.value = source.employee_number
    left join pseudonyms as assignment_number_pseudonyms on assignment_number_pseudonyms.value = source.assignment_number

),

final as (

    select
        renamed.*,
        {{ ethnic_group('ethnic_categories') }} as ethnic_group

    from renamed
    left join ethnic_categories on ethnic_categories.category_code = left(renamed.ethnic_category_code, 1)

)

select * from final
