{#- One row per person and snapshot, every assignment category included (Bank and Honorary too): the row that
    step 3 of the workforce population chooses among the person's rows. Indicators 3 and 4 take an event
    person's ethnic group from here, and the equality engine the person's disability, sex and age band. -#}

with

assignments as (

    select * from {{ rebuild_scope(ref('int_assignments')) }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by organisation_code, snapshot_date, employee_number
            order by {{ person_assignment_order() }}
        ) as assignment_rank

    from assignments

),

final as (

    select
        organisation_code,
        snapshot_date,
        employee_number,
        assignment_number,
        ethnic_category_code,
        ethnic_group,
        disability,
        sex,
        age_band

    from ranked
    where assignment_rank = 1

)

select * from final
