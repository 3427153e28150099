{#- The members of each organisation's board on 31 March of each reported year: start_date on or before the
    day and end_date blank or on or after it. A member with two terms covering the day counts once (the
    latest term). -#}

with

reporting_years as (

    select * from {{ rebuild_scope(ref('int_wres_reporting_years')) }}

),

members as (

    select * from {{ rebuild_scope(ref('stg_board__members')) }}

),

terms_on_snapshot as (

    select
        reporting_years.organisation_code,
        reporting_years.wres_year,
        members.member_id,
        members.member_type,
        members.is_voting,
        members.ethnic_group,
        members.disability,
        members.sex,
        row_number() over (
            partition by reporting_years.organisation_code, reporting_years.wres_year, members.member_id
            order by members.start_date desc
        ) as term_recency

    from reporting_years
    inner join members
        on members.organisation_code = reporting_years.organisation_code
        and members.start_date <= reporting_years.snapshot_date
        and (members.end_date is null or members.end_date >= reporting_years.snapshot_date)

),

final as (

    select
        organisation_code,
        wres_year,
        member_id,
        member_type,
        is_voting,
        ethnic_group,
        disability,
        sex

    from terms_on_snapshot
    where term_recency = 1

)

select * from final
