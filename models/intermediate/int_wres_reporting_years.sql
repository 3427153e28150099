{#- The (organisation, WRES year) pairs that are reported: an organisation is reported for year Y when it has a
    staff-in-post snapshot dated exactly 31 March Y. -#}

with

assignments as (

    select * from {{ rebuild_scope(ref('int_assignments')) }}

),

year_end_snapshots as (

    select distinct
        organisation_code,
        snapshot_date

    from assignments
    where month(snapshot_date) = 3
        and day(snapshot_date) = 31

),

reporting_years as (

    select
        organisation_code,
        year(snapshot_date) as wres_year,
        snapshot_date,
        make_date(year(snapshot_date) - 1, 4, 1) as period_start,
        snapshot_date as period_end,
        year(snapshot_date) - 1 as survey_year

    from year_end_snapshots

),

final as (

    select
        reporting_years.*,
        previous_years.wres_year is not null as is_previous_year_reported

    from reporting_years
    left join reporting_years as previous_years
        on previous_years.organisation_code = reporting_years.organisation_code
        and previous_years.wres_year = reporting_years.wres_year - 1

)

select * from final
