{#- The headline measures of spec indicators.md, for any characteristic, computed from any relation shaped like the
    general return (organisation_code, wres_year, characteristic, metric, breakdown, group_name, numerator,
    denominator, value). The WRES headline (macro wres_headline) is this engine applied to the WRES return with
    ethnicity alone; the general headlines (rpt_equality_headline, rpt_publication_equality_headline) apply it
    to the general return. A group whose value is null (denominator 0, or suppressed) makes every measure built
    on it null.

    `comparison_groups` (characteristic, group_name, comparison_role) names, per characteristic, its reference
    group (White, Non-disabled, Male, 31 to 50) and its focus groups (BME, Disabled, Female, 30 and under,
    51 and over): each focus group is compared with the reference group. `metrics` (metric, family,
    likelihood_order, higher_is_adverse) says how each metric is read:
    - family workforce: pct_focus (the focus group's value) and gap_to_overall_pp (minus the focus group's
      overall value of the same metric);
    - family likelihood: relative_likelihood RL = (a / n1) / (b / n2) with its log-method 95% interval,
      assessment and four-fifths band; likelihood_order reference_over_focus (a = reference group; above 1 is
      adverse for the focus group when the event is good, as appointment or training) or focus_over_reference
      (a = focus group; for disciplinary and capability);
    - family survey: gap_pp = focus value minus reference value with Newcombe's hybrid score interval; adverse
      when significantly higher if higher_is_adverse, significantly lower otherwise;
    - family board: difference_pp = the board breakdown's focus value minus the focus group's overall value of
      the workforce metric;
    - previous_value: the same measure one year earlier. -#}

{% macro equality_headline(return_relation, comparison_groups, metrics) %}
with

return_rows as (

    select * from {{ return_relation }}

),

comparison_groups as (

    select * from {{ comparison_groups }}

),

metrics as (

    select * from {{ metrics }}

),

breakdowns as (

    select distinct organisation_code, wres_year, characteristic, metric, breakdown
    from return_rows

),

pairs as (

    select
        breakdowns.organisation_code,
        breakdowns.wres_year,
        breakdowns.characteristic,
        breakdowns.metric,
        metrics.family,
        metrics.likelihood_order,
        metrics.higher_is_adverse,
        breakdowns.breakdown,
        focus_groups.group_name as focus_group,
        reference_groups.group_name as reference_group,
        focus.numerator as focus_numerator,
        focus.denominator as focus_denominator,
        focus.value as focus_value,
        reference.numerator as reference_numerator,
        reference.denominator as reference_denominator,
        reference.value as reference_value

    from breakdowns
    inner join metrics
        on metrics.metric = breakdowns.metric
    inner join comparison_groups as focus_groups
        on focus_groups.characteristic = breakdowns.characteristic
        and focus_groups.comparison_role = 'focus'
    left join comparison_groups as reference_groups
        on reference_groups.characteristic = breakdowns.characteristic
        and reference_groups.comparison_role = 'reference'
    left join return_rows as focus
        on focus.organisation_code = breakdowns.organisation_code
        and focus.wres_year = breakdowns.wres_year
        and focus.characteristic = breakdowns.characteristic
        and focus.metric = breakdowns.metric
        and focus.breakdown = breakdowns.breakdown
        and focus.group_name = focus_groups.group_name
    left join return_rows as reference
        on reference.organisation_code = breakdowns.organisation_code
        and reference.wres_year = breakdowns.wres_year
        and reference.characteristic = breakdowns.characteristic
        and reference.metric = breakdowns.metric
        and reference.breakdown = breakdowns.breakdown
        and reference.group_name = reference_groups.group_name

),

workforce_overall as (

    select organisation_code, wres_year, characteristic, focus_group, focus_value as overall_focus_value
    from pairs
    where family = 'workforce' and breakdown = 'overall'

),

workforce_measures as (

    select
        pairs.organisation_code,
        pairs.wres_year,
        pairs.characteristic,
        pairs.metric,
        pairs.breakdown,
        pairs.focus_group,
        pairs.reference_group,
        measures.measure,
        case measures.measure
            when 'pct_focus' then pairs.focus_value
            else pairs.focus_value - workforce_overall.overall_focus_value
        end as value,
        null::double precision as ci_lower,
        null::double precision as ci_upper,
        null::varchar as assessment,
        null::varchar as four_fifths_band

    from pairs
    inner join workforce_overall
        on workforce_overall.organisation_code = pairs.organisation_code
        and workforce_overall.wres_year = pairs.wres_year
        and workforce_overall.characteristic = pairs.characteristic
        and workforce_overall.focus_group = pairs.focus_group
    cross join (select 'pct_focus' as measure union all select 'gap_to_overall_pp' as measure) as measures
    where pairs.family = 'workforce'

),

likelihood_counts as (

    {#- RL = (a / n1) / (b / n2), arranged so that above 1 is adverse for the focus group. #}
    select
        organisation_code,
        wres_year,
        characteristic,
        metric,
        breakdown,
        focus_group,
        reference_group,
        case when likelihood_order = 'focus_over_reference' then focus_numerator else reference_numerator end as a,
        case when likelihood_order = 'focus_over_reference' then focus_denominator else reference_denominator end
            as n1,
        case when likelihood_order = 'focus_over_reference' then reference_numerator else focus_numerator end as b,
        case when likelihood_order = 'focus_over_reference' then reference_denominator else focus_denominator end
            as n2

    from pairs
    where family = 'likelihood'

),

likelihoods as (

    select
        organisation_code,
        wres_year,
        characteristic,
        metric,
        breakdown,
        focus_group,
        reference_group,
        'relative_likelihood' as measure,
        {{ relative_likelihood('a', 'n1', 'b', 'n2') }} as value,
        {{ relative_likelihood_bound('a', 'n1', 'b', 'n2', 'lower') }} as ci_lower,
        {{ relative_likelihood_bound('a', 'n1', 'b', 'n2', 'upper') }} as ci_upper,
        {{ four_fifths_band('a', 'n1', 'b', 'n2') }} as four_fifths_band

    from likelihood_counts

),

likelihood_measures as (

    select
        organisation_code,
        wres_year,
        characteristic,
        metric,
        breakdown,
        focus_group,
        reference_group,
        measure,
        value,
        ci_lower,
        ci_upper,
        {{ likelihood_assessment('ci_lower', 'ci_upper') }} as assessment,
        four_fifths_band

    from likelihoods

),

survey_gaps as (

    select
        organisation_code,
        wres_year,
        characteristic,
        metric,
        breakdown,
        focus_group,
        reference_group,
        higher_is_adverse,
        'gap_pp' as measure,
        focus_value - reference_value as value,
        case when focus_value is not null and reference_value is not null then
            {{ newcombe_bound('focus_numerator', 'focus_denominator', 'reference_numerator',
                              'reference_denominator', 'lower') }}
        end as ci_lower,
        case when focus_value is not null and reference_value is not null then
            {{ newcombe_bound('focus_numerator', 'focus_denominator', 'reference_numerator',
                              'reference_denominator', 'upper') }}
        end as ci_upper

    from pairs
    where family = 'survey'

),

survey_measures as (

    select
        organisation_code,
        wres_year,
        characteristic,
        metric,
        breakdown,
        focus_group,
        reference_group,
        measure,
        value,
        ci_lower,
        ci_upper,
        {{ gap_assessment('higher_is_adverse', 'ci_lower', 'ci_upper') }} as assessment,
        null::varchar as four_fifths_band

    from survey_gaps

),

board_measures as (

    select
        pairs.organisation_code,
        pairs.wres_year,
        pairs.characteristic,
        pairs.metric,
        pairs.breakdown,
        pairs.focus_group,
        pairs.reference_group,
        'difference_pp' as measure,
        pairs.focus_value - workforce_overall.overall_focus_value as value,
        null::double precision as ci_lower,
        null::double precision as ci_upper,
        null::varchar as assessment,
        null::varchar as four_fifths_band

    from pairs
    inner join workforce_overall
        on workforce_overall.organisation_code = pairs.organisation_code
        and workforce_overall.wres_year = pairs.wres_year
        and workforce_overall.characteristic = pairs.characteristic
        and workforce_overall.focus_group = pairs.focus_group
    where pairs.family = 'board'

),

measures as (

    select * from workforce_measures
    union all
    select * from likelihood_measures
    union all
    select * from survey_measures
    union all
    select * from board_measures

)

select
    measures.organisation_code,
    measures.wres_year,
    measures.characteristic,
    measures.metric,
    measures.breakdown,
    measures.focus_group,
    measures.reference_group,
    measures.measure,
    cast(measures.value as double precision) as value,
    cast(measures.ci_lower as double precision) as ci_lower,
    cast(measures.ci_upper as double precision) as ci_upper,
    measures.assessment,
    measures.four_fifths_band,
    cast(previous.value as double precision) as previous_value

from measures
left join measures as previous
    on previous.organisation_code = measures.organisation_code
    and previous.wres_year = measures.wres_year - 1
    and previous.characteristic = measures.characteristic
    and previous.metric = measures.metric
    and previous.breakdown = measures.breakdown
    and previous.focus_group = measures.focus_group
    and previous.measure = measures.measure
{% endmacro %}
