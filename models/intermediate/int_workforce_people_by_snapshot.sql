{#- One row per person and snapshot of the WRES workforce: Bank and Honorary assignments dropped (seed
    assignment_categories), then the row step 3 chooses among the person's remaining rows. -#}

{#- A view (dbt_project.yml): its only reader, int_wres_workforce_population, takes the 31 March snapshots of the
    reported years from it, and at national scale a table of every snapshot's people, written and read again,
    cost more than ranking where it is read (docs/performance.md, item 57). An incremental build's organisation
    filter reaches below the window (it partitions by organisation_code). -#}

{#- Built after int_people_by_snapshot, not beside it: at national scale the largest models,
    run side by side on dbt's two threads, take longer and can run out of memory (docs/performance.md, item 30).
    int_wres_workforce_population, which computes this view, comes after it. #}
-- depends_on: {{ ref('int_people_by_snapshot') }}

with

assignments as (

    select * from {{ ref('int_assignments') }}

),

assignment_categories as (

    select * from {{ ref('assignment_categories') }}

),

workforce_assignments as (

    select assignments.*

    from assignments
    left join assignment_categories
        on lower(assignment_categories.assignment_category) = lower(assignments.assignment_category)
    where coalesce(assignment_categories.in_wres_workforce, true)

),

ranked as (

    select
        *,
        row_number() over (
            partition by organisation_code, snapshot_date, employee_number
            order by {{ person_assignment_order() }}
        ) as assignment_rank

    from workforce_assignments

),

final as (

    select
        organisation_code,
        snapshot_date,
        employee_number,
        assignment_number,
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

    from ranked
    where assignment_rank = 1

)

select * from final
