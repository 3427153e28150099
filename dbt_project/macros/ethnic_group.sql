{% macro ethnic_group(category_code) -%}
    {#- White, BME or Unknown: the group of the recognised code's first letter (seed ethnic_categories). -#}
    coalesce(
        (
            select ethnic_categories.ethnic_group
            from {{ ref('ethnic_categories') }} as ethnic_categories
            where ethnic_categories.category_code = left({{ category_code }}, 1)
        ),
        'Unknown'
    )
{%- endmacro %}
