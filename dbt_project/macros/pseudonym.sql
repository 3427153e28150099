{% macro pseudonym(column, mapping) -%}
    {#- The keyed hash (HMAC-SHA256) of a staff identifier, from the source's pseudonym mapping
        (raw.<source>_pseudonyms, maintained by the ingest asset with the secret key). -#}
    (select pseudonyms.pseudonym from {{ mapping }} as pseudonyms where pseudonyms.value = {{ column }})
{%- endmacro %}
