{#- Disclosure control (spec domain.md, "Confidentiality"), with the thresholds of seed disclosure_control. -#}

{% macro published_count(count, control) -%}
    {#- A count from suppress_counts_from to suppress_counts_to is suppressed (null); any other is rounded to the
        nearest multiple of round_counts_to. `control` is the alias of the one-row disclosure_control seed. -#}
    case
        when {{ count }} between {{ control }}.suppress_counts_from and {{ control }}.suppress_counts_to then null
        else cast(round({{ count }} * 1.0 / {{ control }}.round_counts_to) * {{ control }}.round_counts_to as bigint)
    end
{%- endmacro %}
