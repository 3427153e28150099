{#- The assignments of every staff-in-post snapshot (stg_esr__assignments), persisted once. Three models read
    them; as the staging view, its window (the assignment order) and its pseudonym joins over every row of every
    snapshot would be computed again for each of them (docs/performance.md). Only the columns they read are
    kept: each text column of 9.6 million national rows costs about 0.6 s to write (docs/performance.md,
    item 66). -#}

with

assignments as (

    select * from {{ rebuild_scope(ref('stg_esr__assignments')) }}

),

final as (

    select
        organisation_code,
        snapshot_date,
        employee_number,
        assignment_number,
        assignment_order,
        is_primary_assignment,
        assignment_category,
        staff_group,
        pay_band,
        grade,
        fte,
        ethnic_category_code,
        ethnic_group,
        disability,
        sex,
        age_band,
        religious_belief,
        sexual_orientation,
        hourly_rate

    from assignments

)

select * from final
