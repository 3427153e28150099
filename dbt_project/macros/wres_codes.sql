{#- Code readers of spec/domain.md and spec/indicators.md. -#}

{% macro ethnic_origin_token(value) -%}
    {#- The leading run of letters and digits of the trimmed value, upper-cased ('CP White - Polish' -> 'CP'). -#}
    nullif(upper(regexp_extract(trim({{ value }}), '^[A-Za-z0-9]+')), '')
{%- endmacro %}

{% macro ethnic_category_code(value) -%}
    {#- The recognised NHS ethnic category code: one of A..S (no I, O, Q), alone or with one more letter or
        digit (a local sub-code); null for Z, 99, X, blank and anything unrecognised. -#}
    case
        when regexp_full_match({{ ethnic_origin_token(value) }}, '[ABCDEFGHJKLMNPRS][A-Z0-9]?')
            then {{ ethnic_origin_token(value) }}
    end
{%- endmacro %}

{% macro pay_band_key(value) -%}
    {#- Lower-case, delete spaces, delete 'band', delete '-range': 'Band 8 - Range A' -> '8a'. -#}
    replace(replace(replace(lower(trim({{ value }})), ' ', ''), 'band', ''), '-range', '')
{%- endmacro %}
