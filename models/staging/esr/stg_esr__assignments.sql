with

source as (

    select * from {{ source('esr', 'staff_in_post') }}

),

pseudonyms as (

    select * from {{ source('esr', 'staff_in_post_pseudonyms') }}

),

ordered as (

    {#- The last tie-break of the workforce population needs the raw assignment numbers' text order. #}
    select
        *,
        row_number() over (
            partition by organisation_code, snapshot_date, employee_number order by assignment_number
        ) as assignment_order

    from source

),

renamed as (

    select
        organisation_code,
        snapshot_date,
        employee_number_pseudonyms.pseudonym as employee_number,
        assignment_number_pseudonyms.pseudonym as assignment_number,
        assignment_order,
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

    from ordered
    left join pseudonyms as employee_number_pseudonyms on employee_number_pseudonyms.value = ordered.employee_number
    left join pseudonyms as assignment_number_pseudonyms on assignment_number_pseudonyms.value = ordered.assignment_number

),

final as (

    select
        *,
        {{ ethnic_group('ethnic_category_code') }} as ethnic_group

    from renamed

)

select * from final
