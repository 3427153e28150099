{#- The headline measures of spec indicators.md and outputs.md section 1, computed from any relation shaped like
    the return (organisation_code, wres_year, indicator, breakdown, ethnic_group, numerator, denominator, value):
    the confidential return (rpt_wres_return) and the disclosure-controlled one (rpt_publication_wres_return),
    so both headlines come from one engine. That engine is the general one (macro equality_headline), applied
    to the return read as characteristic ethnicity, metric = the indicator number, with BME the focus group and
    White the reference group; Unknown rows enter no measure. A group whose value is null (denominator 0, or
    suppressed) makes every measure built on it null.
    - ind. 1: pct_bme (the BME value) and gap_to_overall_pp (minus the overall BME value);
    - ind. 2-4: relative_likelihood, its log-method 95% interval, assessment and four-fifths band: White over
      BME for 2 and 4, BME over White for 3;
    - ind. 5-8: gap_pp (BME minus White) with Newcombe's hybrid score interval and assessment (7 read the other
      way round);
    - ind. 9: difference_pp (the board breakdown's BME value minus the workforce's overall BME value);
    - previous_value: the same measure one year earlier. -#}

{% macro wres_comparison_groups() -%}
    (
        select *
        from (values ('ethnicity', 'White', 'reference'), ('ethnicity', 'BME', 'focus'))
            as wres_groups (characteristic, group_name, comparison_role)
    )
{%- endmacro %}

{% macro wres_metric_rules() -%}
    {#- How the headline reads each WRES indicator (spec indicators.md). -#}
    (
        select *
        from (
            values
                ('1', 'workforce', null, null),
                ('2', 'likelihood', 'reference_over_focus', null),
                ('3', 'likelihood', 'focus_over_reference', null),
                ('4', 'likelihood', 'reference_over_focus', null),
                ('5', 'survey', null, true),
                ('6', 'survey', null, true),
                ('7', 'survey', null, false),
                ('8', 'survey', null, true),
                ('9', 'board', null, null)
        ) as wres_metrics (metric, family, likelihood_order, higher_is_adverse)
    )
{%- endmacro %}

{% macro wres_headline(return_relation) %}
with

general as (

    {{ equality_headline(
        "(select organisation_code, wres_year, 'ethnicity' as characteristic, cast(indicator as varchar) as metric,"
        ~ " breakdown, ethnic_group as group_name, numerator, denominator, value from " ~ return_relation ~ ")",
        wres_comparison_groups(),
        wres_metric_rules()
    ) }}

),

final as (

    select
        organisation_code,
        wres_year,
        cast(metric as integer) as indicator,
        breakdown,
        case measure when 'pct_focus' then 'pct_bme' else measure end as measure,
        value,
        ci_lower,
        ci_upper,
        assessment,
        four_fifths_band,
        previous_value

    from general

)

select * from final
order by organisation_code, wres_year, indicator, breakdown, measure
{% endmacro %}
