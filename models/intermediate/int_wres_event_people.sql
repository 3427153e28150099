{#- The people counted by indicators 3 and 4 in each reported year, with their ethnic group for events:
    - disciplinary: at least one employee-relations row of case type Disciplinary with formal_start_date in the
      event period;
    - training: at least one training row whose category is not mandatory (seed training_categories) with
      activity_date in the event period;
    whether or not the person is in the workforce population. The group comes from the latest snapshot on or
    before 31 March in which the person has any row (Bank and Honorary included); failing that, from the
    event row's own ethnic_origin (the first qualifying row, files in name order and rows in file order), and
    Unknown where the source has no such column (training). -#}

with

reporting_years as (

    select * from {{ ref('int_wres_reporting_years') }}

),

cases as (

    select * from {{ ref('stg_employee_relations__cases') }}

),

activities as (

    select * from {{ ref('stg_training__activities') }}

),

training_categories as (

    select * from {{ ref('training_categories') }}

),

people_by_snapshot as (

    select * from {{ ref('int_people_by_snapshot') }}

),

disciplinary_rows as (

    select
        'disciplinary' as event_type,
        reporting_years.organisation_code,
        reporting_years.wres_year,
        reporting_years.snapshot_date,
        cases.employee_number,
        cases.ethnic_group as event_row_ethnic_group,
        cases.source_file_name,
        cases.source_line_number

    from cases
    inner join reporting_years
        on reporting_years.organisation_code = cases.organisation_code
        and cases.formal_start_date between reporting_years.period_start and reporting_years.period_end
    where lower(cases.case_type) = 'disciplinary'

),

training_rows as (

    select
        'training' as event_type,
        reporting_years.organisation_code,
        reporting_years.wres_year,
        reporting_years.snapshot_date,
        activities.employee_number,
        'Unknown' as event_row_ethnic_group,
        activities.source_file_name,
        activities.source_line_number

    from activities
    inner join reporting_years
        on reporting_years.organisation_code = activities.organisation_code
        and activities.activity_date between reporting_years.period_start and reporting_years.period_end
    left join training_categories
        on lower(training_categories.category) = lower(activities.category)
    where not coalesce(training_categories.is_mandatory, false)

),

event_rows as (

    select * from disciplinary_rows
    union all
    select * from training_rows

),

first_event_rows as (

    select *
    from (
        select
            *,
            row_number() over (
                partition by event_type, organisation_code, wres_year, employee_number
                order by source_file_name, source_line_number
            ) as row_order
        from event_rows
    ) as ordered
    where row_order = 1

),

snapshot_matches as (

    select
        first_event_rows.*,
        people_by_snapshot.snapshot_date as ethnicity_snapshot_date,
        people_by_snapshot.ethnic_group as snapshot_ethnic_group,
        row_number() over (
            partition by
                first_event_rows.event_type,
                first_event_rows.organisation_code,
                first_event_rows.wres_year,
                first_event_rows.employee_number
            order by people_by_snapshot.snapshot_date desc
        ) as snapshot_recency

    from first_event_rows
    left join people_by_snapshot
        on people_by_snapshot.organisation_code = first_event_rows.organisation_code
        and people_by_snapshot.employee_number = first_event_rows.employee_number
        and people_by_snapshot.snapshot_date <= first_event_rows.snapshot_date

),

final as (

    select
        event_type,
        organisation_code,
        wres_year,
        employee_number,
        coalesce(snapshot_ethnic_group, event_row_ethnic_group) as ethnic_group,
        ethnicity_snapshot_date,
        snapshot_ethnic_group is null as is_ethnicity_from_event_row

    from snapshot_matches
    where snapshot_recency = 1

)

select * from final
