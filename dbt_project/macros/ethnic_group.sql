{% macro ethnic_group(ethnic_categories) -%}
    {#- White, BME or Unknown: the group of the recognised code's first letter, from seed ethnic_categories
        left joined on category_code = left(ethnic_category_code, 1). A join, not a scalar subquery: DuckDB runs a
        correlated subquery by collecting the distinct codes and joining every row back (docs/performance.md). -#}
    coalesce({{ ethnic_categories }}.ethnic_group, 'Unknown')
{%- endmacro %}
