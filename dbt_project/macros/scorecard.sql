{#- The arithmetic of the diversity scorecard (and of the WRES trend): pay gaps, red/amber/green ratings and
    year-on-year direction. -#}

{% macro pay_gap(reference_pay, comparison_pay) -%}
    {#- The gender pay gap regulations' gap: (reference - comparison) / reference x 100; null when either pay is
        unknown or the reference pay is 0. Positive: the comparison group is paid less. -#}
    case
        when {{ reference_pay }} is null or {{ comparison_pay }} is null or {{ reference_pay }} = 0 then null
        else 100.0 * ({{ reference_pay }} - {{ comparison_pay }}) / {{ reference_pay }}
    end
{%- endmacro %}

{% macro rag_rating(value, green_lower, green_upper, amber_lower, amber_upper) -%}
    {#- green when the value lies within the green bounds (inclusive; a null bound is open), else amber within
        the amber bounds, else red; null when the value is. -#}
    case
        when {{ value }} is null then null
        when ({{ green_lower }} is null or {{ value }} >= {{ green_lower }})
            and ({{ green_upper }} is null or {{ value }} <= {{ green_upper }}) then 'green'
        when ({{ amber_lower }} is null or {{ value }} >= {{ amber_lower }})
            and ({{ amber_upper }} is null or {{ value }} <= {{ amber_upper }}) then 'amber'
        else 'red'
    end
{%- endmacro %}

{% macro worsening(value, previous_value, better_direction, target='null') -%}
    {#- How much worse the value is than the previous one (positive: worse; negative: better; null when either
        is null or there is no better direction): lower or higher is better; higher_up_to_zero counts only the
        shortfall below zero (WRES indicator 9); towards_target counts the distance from the target. -#}
    case
        when {{ value }} is null or {{ previous_value }} is null then null
        when {{ better_direction }} = 'lower' then {{ value }} - {{ previous_value }}
        when {{ better_direction }} = 'higher' then -({{ value }} - {{ previous_value }})
        when {{ better_direction }} = 'higher_up_to_zero'
            then greatest(0, -{{ value }}) - greatest(0, -{{ previous_value }})
        when {{ better_direction }} = 'towards_target'
            then abs({{ value }} - {{ target }}) - abs({{ previous_value }} - {{ target }})
    end
{%- endmacro %}

{% macro trend_direction(worsening) -%}
    case
        when {{ worsening }} is null then null
        when {{ worsening }} < 0 then 'improved'
        when {{ worsening }} > 0 then 'worsened'
        else 'unchanged'
    end
{%- endmacro %}

{% macro trend_arrow(value, previous_value) -%}
    {#- Which way the value moved since the previous year: up, down or level (whether that is better is
        trend_direction's). -#}
    case
        when {{ value }} is null or {{ previous_value }} is null then null
        when {{ value }} > {{ previous_value }} then '↑'
        when {{ value }} < {{ previous_value }} then '↓'
        else '→'
    end
{%- endmacro %}
