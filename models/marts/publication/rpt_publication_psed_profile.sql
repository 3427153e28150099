{#- The PSED workforce profile with disclosure control (exported as scorecard/psed_profile): headcounts and
    totals from 1 to 7 suppressed, others rounded to the nearest 5 (seed disclosure_control), and the share
    recomputed from the published headcount and total, suppressed when either is. -#}

with

profile as (

    select * from {{ rebuild_scope(ref('rpt_psed_profile')) }}

),

disclosure_control as (

    select * from {{ ref('disclosure_control') }}

),

published as (

    select
        profile.organisation_code,
        profile.wres_year,
        profile.characteristic,
        profile.breakdown,
        profile.group_name,
        {{ published_count('profile.headcount', 'disclosure_control') }} as headcount,
        {{ published_count('profile.total', 'disclosure_control') }} as total

    from profile
    cross join disclosure_control

),

final as (

    select
        organisation_code,
        wres_year,
        characteristic,
        breakdown,
        group_name,
        headcount,
        total,
        case when headcount is not null and total is not null then {{ pct('headcount', 'total') }} end as share,
        headcount is null or total is null as suppressed

    from published

)

select * from final
order by organisation_code, wres_year, characteristic, breakdown, group_name
