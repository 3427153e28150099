{#- The headline measures of spec indicators.md and outputs.md section 1, computed from any relation shaped like
    the return (organisation_code, wres_year, indicator, breakdown, ethnic_group, numerator, denominator, value):
    the confidential return (rpt_wres_return) and the disclosure-controlled one (rpt_publication_wres_return),
    so both headlines come from one engine. A group whose value is null (denominator 0, or suppressed) makes
    every measure built on it null.
    - ind. 1: pct_bme (the BME value) and gap_to_overall_pp (minus the overall BME value);
    - ind. 2-4: relative_likelihood, its log-method 95% interval, assessment and four-fifths band;
    - ind. 5-8: gap_pp (BME minus White) with Newcombe's hybrid score interval and assessment;
    - ind. 9: difference_pp (the board breakdown's BME value minus the workforce's overall BME value);
    - previous_value: the same measure one year earlier. -#}
{% macro wres_headline(return_relation) %}
with

return_rows as (

    select * from {{ return_relation }}

),

by_group as (

    select
        organisation_code,
        wres_year,
        indicator,
        breakdown,
        max(numerator) filter (where ethnic_group = 'White') as white_numerator,
        max(denominator) filter (where ethnic_group = 'White') as white_denominator,
        max(value) filter (where ethnic_group = 'White') as white_value,
        max(numerator) filter (where ethnic_group = 'BME') as bme_numerator,
        max(denominator) filter (where ethnic_group = 'BME') as bme_denominator,
        max(value) filter (where ethnic_group = 'BME') as bme_value

    from return_rows
    group by 1, 2, 3, 4

),

workforce_overall as (

    select organisation_code, wres_year, bme_value as overall_pct_bme
    from by_group
    where indicator = 1 and breakdown = 'overall'

),

workforce_measures as (

    select
        by_group.organisation_code,
        by_group.wres_year,
        by_group.indicator,
        by_group.breakdown,
        measures.measure,
        case measures.measure
            when 'pct_bme' then by_group.bme_value
            else by_group.bme_value - workforce_overall.overall_pct_bme
        end as value,
        null::double precision as ci_lower,
        null::double precision as ci_upper,
        null::varchar as assessment,
        null::varchar as four_fifths_band

    from by_group
    inner join workforce_overall
        on workforce_overall.organisation_code = by_group.organisation_code
        and workforce_overall.wres_year = by_group.wres_year
    cross join (select 'pct_bme' as measure union all select 'gap_to_overall_pp' as measure) as measures
    where by_group.indicator = 1

),

likelihood_counts as (

    {#- RL = (a / n1) / (b / n2), arranged so that above 1 is adverse for BME staff:
        White over BME for indicators 2 and 4, BME over White for indicator 3. #}
    select
        organisation_code,
        wres_year,
        indicator,
        breakdown,
        case when indicator = 3 then bme_numerator else white_numerator end as a,
        case when indicator = 3 then bme_denominator else white_denominator end as n1,
        case when indicator = 3 then white_numerator else bme_numerator end as b,
        case when indicator = 3 then white_denominator else bme_denominator end as n2

    from by_group
    where indicator in (2, 3, 4)

),

likelihoods as (

    select
        organisation_code,
        wres_year,
        indicator,
        breakdown,
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
        indicator,
        breakdown,
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
        indicator,
        breakdown,
        'gap_pp' as measure,
        bme_value - white_value as value,
        case when bme_value is not null and white_value is not null then
            {{ newcombe_bound('bme_numerator', 'bme_denominator', 'white_numerator', 'white_denominator', 'lower') }}
        end as ci_lower,
        case when bme_value is not null and white_value is not null then
            {{ newcombe_bound('bme_numerator', 'bme_denominator', 'white_numerator', 'white_denominator', 'upper') }}
        end as ci_upper

    from by_group
    where indicator between 5 and 8

),

survey_measures as (

    select
        organisation_code,
        wres_year,
        indicator,
        breakdown,
        measure,
        value,
        ci_lower,
        ci_upper,
        {{ survey_gap_assessment('indicator', 'ci_lower', 'ci_upper') }} as assessment,
        null::varchar as four_fifths_band

    from survey_gaps

),

board_measures as (

    select
        by_group.organisation_code,
        by_group.wres_year,
        by_group.indicator,
        by_group.breakdown,
        'difference_pp' as measure,
        by_group.bme_value - workforce_overall.overall_pct_bme as value,
        null::double precision as ci_lower,
        null::double precision as ci_upper,
        null::varchar as assessment,
        null::varchar as four_fifths_band

    from by_group
    inner join workforce_overall
        on workforce_overall.organisation_code = by_group.organisation_code
        and workforce_overall.wres_year = by_group.wres_year
    where by_group.indicator = 9

),

measures as (

    select * from workforce_measures
    union all
    select * from likelihood_measures
    union all
    select * from survey_measures
    union all
    select * from board_measures

),

final as (

    select
        measures.organisation_code,
        measures.wres_year,
        measures.indicator,
        measures.breakdown,
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
        and previous.indicator = measures.indicator
        and previous.breakdown = measures.breakdown
        and previous.measure = measures.measure

)

select * from final
order by organisation_code, wres_year, indicator, breakdown, measure
{% endmacro %}
