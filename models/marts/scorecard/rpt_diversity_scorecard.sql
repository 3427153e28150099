{#- The diversity scorecard (spec outputs.md section 5; published, exported as scorecard/diversity_scorecard):
    one row per organisation, WRES year, measure (seed scorecard_measures) and group, under the three aims
    (seed scorecard_aims) and the EDS2 goal 3 outcome each measure evidences (seed eds2_outcomes), with its
    value, target and red/amber/green rating (seed scorecard_targets, which a trust edits) and the trend since
    the previous year. Every value is safe to publish:
    - headline measures (relative likelihoods, survey gaps, board and senior-band representation) come from the
      published general headline, i.e. they are recomputed from disclosure-controlled counts
      (value_basis 'published counts');
    - profile shares and declaration rates are recomputed from published (rounded, suppressed) headcounts
      (value_basis 'published counts');
    - pay gaps come from exact hourly pay and are withheld when either group has from 1 to 7 people
      (value_basis 'hourly pay').
    The rating and the trend are those of the published values: rating green, amber or red by the measure's
    bounds (inclusive), 'not rated' when the measure has no target or no value; trend_arrow up, down or level
    since the previous year; trend improved, worsened or unchanged by the measure's better direction (lower,
    higher, or towards_target: closer to the target). -#}

with

measures as (

    select * from {{ ref('scorecard_measures') }}

),

targets as (

    select * from {{ ref('scorecard_targets') }}

),

aims as (

    select * from {{ ref('scorecard_aims') }}

),

disclosure_control as (

    select * from {{ ref('disclosure_control') }}

),

headline_values as (

    select
        headline.organisation_code,
        headline.wres_year,
        measures.measure,
        headline.focus_group as group_name,
        headline.reference_group,
        headline.value,
        headline.suppressed,
        'published counts' as value_basis

    from measures
    inner join {{ ref('rpt_publication_equality_headline') }} as headline
        on headline.characteristic = measures.characteristic
        and headline.metric = measures.metric
        and headline.breakdown = measures.breakdown
        and headline.measure = measures.statistic
    where measures.source = 'headline'

),

pay_values as (

    select
        pay_gaps.organisation_code,
        pay_gaps.wres_year,
        measures.measure,
        pay_gaps.comparison_group as group_name,
        pay_gaps.reference_group,
        case measures.statistic
            when 'mean_gap_pct' then pay_gaps.mean_gap_pct
            when 'median_gap_pct' then pay_gaps.median_gap_pct
        end as value,
        pay_gaps.suppressed,
        'hourly pay' as value_basis

    from measures
    inner join {{ ref('rpt_publication_pay_gaps') }} as pay_gaps
        on pay_gaps.characteristic = measures.characteristic
    where measures.source = 'pay_gap'

),

profile_values as (

    select
        profile.organisation_code,
        profile.wres_year,
        measures.measure,
        profile.group_name,
        null::varchar as reference_group,
        profile.share as value,
        profile.suppressed,
        'published counts' as value_basis

    from measures
    inner join {{ ref('rpt_publication_psed_profile') }} as profile
        on profile.characteristic = measures.characteristic
        and profile.breakdown = measures.breakdown
    where measures.source = 'profile_share'

),

declared as (

    {#- Known = neither Unknown (blank or unrecognised) nor Not declared (declined to answer). #}
    select
        profile.organisation_code,
        profile.wres_year,
        profile.characteristic,
        profile.breakdown,
        sum(profile.headcount) filter (where profile.group_name not in ('Unknown', 'Not declared')) as known,
        max(profile.total) as total

    from {{ ref('rpt_psed_profile') }} as profile
    group by 1, 2, 3, 4

),

declaration_values as (

    select
        declared.organisation_code,
        declared.wres_year,
        measures.measure,
        'Declared' as group_name,
        null::varchar as reference_group,
        case
            when {{ published_count('declared.known', 'disclosure_control') }} is not null
                and {{ published_count('declared.total', 'disclosure_control') }} is not null
                then {{ pct(published_count('declared.known', 'disclosure_control'),
                            published_count('declared.total', 'disclosure_control')) }}
        end as value,
        {{ published_count('declared.known', 'disclosure_control') }} is null
            or {{ published_count('declared.total', 'disclosure_control') }} is null as suppressed,
        'published counts' as value_basis

    from measures
    inner join declared
        on declared.characteristic = measures.characteristic
        and declared.breakdown = measures.breakdown
    cross join disclosure_control
    where measures.source = 'declaration_rate'

),

measure_values as (

    select * from headline_values
    union all
    select * from pay_values
    union all
    select * from profile_values
    union all
    select * from declaration_values

),

scored as (

    select
        measure_values.organisation_code,
        measure_values.wres_year,
        measures.aim,
        aims.title as aim_title,
        aims.sort_order as aim_order,
        measures.eds2_outcome,
        measures.measure,
        measures.title as measure_title,
        measures.standard,
        measures.characteristic,
        measure_values.group_name,
        measure_values.reference_group,
        measures.unit,
        measure_values.value,
        targets.target,
        coalesce(
            {{ rag_rating('measure_values.value', 'targets.green_lower', 'targets.green_upper',
                          'targets.amber_lower', 'targets.amber_upper') }},
            'not rated'
        ) as rating,
        targets.measure is not null as is_rated,
        measures.better_direction,
        targets.meaning as rating_rule,
        measure_values.value_basis,
        coalesce(measure_values.suppressed, false) as suppressed,
        measures.sort_order

    from measure_values
    inner join measures on measures.measure = measure_values.measure
    inner join aims on aims.aim = measures.aim
    left join targets on targets.measure = measures.measure

),

with_previous as (

    select
        scored.*,
        previous.value as previous_value

    from scored
    left join scored as previous
        on previous.organisation_code = scored.organisation_code
        and previous.wres_year = scored.wres_year - 1
        and previous.measure = scored.measure
        and previous.group_name = scored.group_name

),

final as (

    select
        organisation_code,
        wres_year,
        aim,
        aim_title,
        eds2_outcome,
        measure,
        measure_title,
        standard,
        characteristic,
        group_name,
        reference_group,
        unit,
        cast(value as double precision) as value,
        cast(target as double precision) as target,
        case when is_rated then rating else 'not rated' end as rating,
        cast(previous_value as double precision) as previous_value,
        cast(value - previous_value as double precision) as change_from_previous,
        {{ trend_arrow('value', 'previous_value') }} as trend_arrow,
        {{ trend_direction(worsening('value', 'previous_value', 'better_direction', 'target')) }} as trend,
        rating_rule,
        value_basis,
        suppressed,
        aim_order,
        sort_order

    from with_previous

)

select * from final
order by organisation_code, wres_year, aim_order, sort_order, group_name
