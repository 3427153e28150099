{#- Indicator 9: the board on 31 March by ethnic group, for voting, executive, non-executive and all members.
    Present when the board has at least one member on the day. -#}

with

members as (

    select * from {{ ref('int_board_members_on_snapshot') }}

),

ethnic_groups as (

    select * from {{ ref('ethnic_groups') }}

),

board_years as (

    select distinct organisation_code, wres_year from members

),

breakdowns as (

    select 'board_voting' as breakdown
    union all
    select 'board_executive' as breakdown
    union all
    select 'board_non_executive' as breakdown
    union all
    select 'board_all' as breakdown

),

members_by_breakdown as (

    select
        members.organisation_code,
        members.wres_year,
        breakdowns.breakdown,
        members.ethnic_group

    from members
    inner join breakdowns
        on breakdowns.breakdown = 'board_all'
        or (breakdowns.breakdown = 'board_voting' and members.is_voting)
        or (breakdowns.breakdown = 'board_executive' and lower(members.member_type) = 'executive')
        or (breakdowns.breakdown = 'board_non_executive' and lower(members.member_type) = 'non-executive')

),

group_counts as (

    select organisation_code, wres_year, breakdown, ethnic_group, count(*) as members
    from members_by_breakdown
    group by 1, 2, 3, 4

),

breakdown_totals as (

    select
        board_years.organisation_code,
        board_years.wres_year,
        breakdowns.breakdown,
        coalesce(sum(group_counts.members), 0) as members

    from board_years
    cross join breakdowns
    left join group_counts
        on group_counts.organisation_code = board_years.organisation_code
        and group_counts.wres_year = board_years.wres_year
        and group_counts.breakdown = breakdowns.breakdown
    group by 1, 2, 3

),

final as (

    select
        breakdown_totals.organisation_code,
        breakdown_totals.wres_year,
        9 as indicator,
        breakdown_totals.breakdown,
        ethnic_groups.ethnic_group,
        coalesce(group_counts.members, 0) as numerator,
        breakdown_totals.members as denominator,
        {{ pct('coalesce(group_counts.members, 0)', 'breakdown_totals.members') }} as value

    from breakdown_totals
    cross join ethnic_groups
    left join group_counts
        on group_counts.organisation_code = breakdown_totals.organisation_code
        and group_counts.wres_year = breakdown_totals.wres_year
        and group_counts.breakdown = breakdown_totals.breakdown
        and group_counts.ethnic_group = ethnic_groups.ethnic_group

)

select * from final
