{#- The arithmetic of spec/indicators.md. Nothing is rounded here. -#}

{% macro pct(numerator, denominator) -%}
    case when {{ denominator }} = 0 then null else 100.0 * ({{ numerator }}) / ({{ denominator }}) end
{%- endmacro %}

{% macro z95() -%}1.959964{%- endmacro %}

{#- Relative likelihood RL = (a / n1) / (b / n2): top group a of n1, bottom group b of n2. -#}

{% macro relative_likelihood(a, n1, b, n2) -%}
    case
        when {{ n1 }} = 0 or {{ n2 }} = 0 or {{ b }} = 0 then null
        else ({{ a }} * 1.0 / {{ n1 }}) / ({{ b }} * 1.0 / {{ n2 }})
    end
{%- endmacro %}

{% macro relative_likelihood_bound(a, n1, b, n2, direction) -%}
    {#- 95% interval by the log method; null when a or b is 0, or a > n1 or b > n2. -#}
    case
        when {{ a }} = 0 or {{ b }} = 0 or {{ a }} > {{ n1 }} or {{ b }} > {{ n2 }} then null
        else exp(
            ln({{ relative_likelihood(a, n1, b, n2) }})
            {{ '-' if direction == 'lower' else '+' }} {{ z95() }}
                * sqrt(1.0 / {{ a }} - 1.0 / {{ n1 }} + 1.0 / {{ b }} - 1.0 / {{ n2 }})
        )
    end
{%- endmacro %}

{% macro likelihood_assessment(ci_lower, ci_upper) -%}
    case
        when {{ ci_lower }} is null or {{ ci_upper }} is null then 'not computable'
        when {{ ci_lower }} > 1 then 'adverse'
        when {{ ci_upper }} < 1 then 'favourable'
        else 'no significant difference'
    end
{%- endmacro %}

{% macro four_fifths_band(a, n1, b, n2) -%}
    {#- Decided on the exact counts, not on a rounded likelihood; empty when the likelihood is. -#}
    case
        when {{ a }} is null or {{ n1 }} is null or {{ b }} is null or {{ n2 }} is null then null
        when {{ n1 }} = 0 or {{ n2 }} = 0 or {{ b }} = 0 then null
        when 5 * {{ a }}::bigint * {{ n2 }} < 4 * {{ b }}::bigint * {{ n1 }} then 'below 0.80'
        when 4 * {{ a }}::bigint * {{ n2 }} > 5 * {{ b }}::bigint * {{ n1 }} then 'above 1.25'
        else '0.80 to 1.25'
    end
{%- endmacro %}

{#- Survey gaps: Newcombe's hybrid score interval (method 10) of p1 - p2, in percentage points. -#}

{% macro wilson_bound(x, n, direction) -%}
    (
        ({{ x }} * 1.0 / {{ n }}) + {{ z95() }} * {{ z95() }} / (2.0 * {{ n }})
        {{ '-' if direction == 'lower' else '+' }} {{ z95() }} * sqrt(
            ({{ x }} * 1.0 / {{ n }}) * (1 - {{ x }} * 1.0 / {{ n }}) / {{ n }}
            + {{ z95() }} * {{ z95() }} / (4.0 * {{ n }} * {{ n }})
        )
    ) / (1 + {{ z95() }} * {{ z95() }} / {{ n }})
{%- endmacro %}

{% macro newcombe_bound(x1, n1, x2, n2, direction) -%}
    {#- p1 = x1 / n1 (BME), p2 = x2 / n2 (White); null when either base is 0 (or a count is null). -#}
    case
        when {{ n1 }} = 0 or {{ n2 }} = 0 or {{ x1 }} is null or {{ x2 }} is null then null
        {% if direction == 'lower' -%}
        else 100 * (
            ({{ x1 }} * 1.0 / {{ n1 }}) - ({{ x2 }} * 1.0 / {{ n2 }})
            - sqrt(
                power(({{ x1 }} * 1.0 / {{ n1 }}) - {{ wilson_bound(x1, n1, 'lower') }}, 2)
                + power({{ wilson_bound(x2, n2, 'upper') }} - ({{ x2 }} * 1.0 / {{ n2 }}), 2)
            )
        )
        {%- else -%}
        else 100 * (
            ({{ x1 }} * 1.0 / {{ n1 }}) - ({{ x2 }} * 1.0 / {{ n2 }})
            + sqrt(
                power({{ wilson_bound(x1, n1, 'upper') }} - ({{ x1 }} * 1.0 / {{ n1 }}), 2)
                + power(({{ x2 }} * 1.0 / {{ n2 }}) - {{ wilson_bound(x2, n2, 'lower') }}, 2)
            )
        )
        {%- endif %}
    end
{%- endmacro %}

{% macro gap_assessment(higher_is_adverse, ci_lower, ci_upper) -%}
    {#- A survey gap (focus minus reference group): adverse when the focus group is significantly higher and
        `higher_is_adverse` (harassment, discrimination), or significantly lower and not (career progression);
        favourable: the mirror. -#}
    case
        when {{ ci_lower }} is null or {{ ci_upper }} is null then 'not computable'
        when not ({{ higher_is_adverse }}) and {{ ci_upper }} < 0 then 'adverse'
        when not ({{ higher_is_adverse }}) and {{ ci_lower }} > 0 then 'favourable'
        when {{ higher_is_adverse }} and {{ ci_lower }} > 0 then 'adverse'
        when {{ higher_is_adverse }} and {{ ci_upper }} < 0 then 'favourable'
        else 'no significant difference'
    end
{%- endmacro %}

{% macro survey_gap_assessment(indicator, ci_lower, ci_upper) -%}
    {#- Adverse: BME significantly higher for 5, 6 and 8; significantly lower for 7. Favourable: the mirror. -#}
    {{ gap_assessment(indicator ~ ' <> 7', ci_lower, ci_upper) }}
{%- endmacro %}
