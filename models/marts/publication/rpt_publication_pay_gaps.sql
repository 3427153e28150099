{#- The pay gaps with disclosure control (exported as scorecard/pay_gaps): headcounts suppressed from 1 to 7
    and rounded to the nearest 5 (seed disclosure_control); the gaps are computed from exact hourly pay (pay is
    not a count) but withheld when either group has from 1 to 7 people, since the mean or median pay of so few
    people singles them out. No group's own pay is published, only the gaps. -#}

with

pay_gaps as (

    select * from {{ rebuild_scope(ref('rpt_pay_gaps')) }}

),

disclosure_control as (

    select * from {{ ref('disclosure_control') }}

),

controlled as (

    select
        pay_gaps.*,
        pay_gaps.reference_headcount
            between disclosure_control.suppress_counts_from and disclosure_control.suppress_counts_to
        or pay_gaps.comparison_headcount
            between disclosure_control.suppress_counts_from and disclosure_control.suppress_counts_to
            as is_small_group,
        {{ published_count('pay_gaps.reference_headcount', 'disclosure_control') }} as published_reference_headcount,
        {{ published_count('pay_gaps.comparison_headcount', 'disclosure_control') }}
            as published_comparison_headcount

    from pay_gaps
    cross join disclosure_control

),

final as (

    select
        organisation_code,
        wres_year,
        characteristic,
        reference_group,
        comparison_group,
        published_reference_headcount as reference_headcount,
        published_comparison_headcount as comparison_headcount,
        case when not is_small_group then mean_gap_pct end as mean_gap_pct,
        case when not is_small_group then median_gap_pct end as median_gap_pct,
        is_small_group as suppressed

    from controlled

)

select * from final
order by organisation_code, wres_year, characteristic, comparison_group
