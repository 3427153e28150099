{% macro person_assignment_order() -%}
    {#- Step 3 of the workforce population (spec indicators.md): one row per person - the assignment flagged
        primary; if none is, any of the person's rows, and if several are, among those - the largest fte
        (blank counts as 0), then the smallest assignment number in text order (assignment_order, which staging
        computes from the raw numbers before it replaces them by pseudonyms). -#}
    is_primary_assignment desc, coalesce(fte, 0) desc, assignment_order asc
{%- endmacro %}
