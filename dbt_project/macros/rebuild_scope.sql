{#- Incremental builds by organisation (docs/architecture.md, "Incremental builds").

    The models that keep each organisation's rows apart from every other organisation's (the intermediate models,
    the fct_ marts and the equality marts) are incremental. The loader lists in raw.pending_organisations the
    organisations whose landing data changed since dbt last built them ('*' for all); an incremental build
    recomputes those organisations only, reading just their rows of every input (`rebuild_scope`), and replaces
    their rows of the table (strategy `replace_organisations`). A full refresh (`wres build` makes one whenever
    the dbt project changed), a missing table, or a '*' recomputes every organisation. The organisation codes are
    written into the SQL as literals so that DuckDB filters below the staging views' windows. In an incremental
    build the generic data tests of incremental models and staging views read only those organisations' rows
    (`duckdb__get_where_subquery`): the others' rows are unchanged and were tested when they were built. -#}

{% macro rebuilt_organisations() %}
    {#- The organisations this model's build recomputes: a list of codes, or none for every organisation. -#}
    {#- (A dbt unit test has no relation: is_incremental() cannot be asked, and the model reads its fixtures.) -#}
    {%- if not execute or model.resource_type == 'unit_test' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(pending_organisations()) }}
{% endmacro %}


{% macro once_per_invocation(key, compute, argument=none) %}
    {#- `compute(argument)` (`compute()` without an argument), computed once per dbt invocation under `key`: for what cannot change while dbt runs
        (the loader lists the pending organisations before dbt starts and clears them after it), asked otherwise
        by every model and data test (docs/performance.md, item 69). Kept in a dict on `graph`, the one every node
        of an invocation is given, under the invocation's id. -#}
    {%- set cache = graph.setdefault('wres_invocation_cache', {}).setdefault(invocation_id, {}) -%}
    {%- if key not in cache -%}
        {%- do cache.update({key: compute() if argument is none else compute(argument)}) -%}
    {%- endif -%}
    {{ return(cache[key]) }}
{% endmacro %}


{% macro pending_organisations(sources=none) %}
    {#- The organisations the loader listed as changed (in `sources` only, raw table names, when given): a list
        of codes, or none for every organisation. Read once per invocation (`once_per_invocation`). -#}
    {%- set key = 'pending:' ~ ('*' if sources is none else sources | sort | join(',')) -%}
    {{ return(once_per_invocation(key, listed_organisations, sources)) }}
{% endmacro %}


{% macro listed_organisations(sources=none) %}
    {#- pending_organisations, read from raw.pending_organisations. -#}
    {%- set listed = run_query(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'pending_organisations'"
    ).columns[0].values()[0] -%}
    {%- if listed == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set codes = run_query(
        "select distinct organisation_code from raw.pending_organisations where "
        ~ in_rebuilt_organisations(sources, 'source') ~ " order by 1"
    ).columns[0].values() | list -%}
    {{ return(none if '*' in codes else codes) }}
{% endmacro %}


{% macro in_rebuilt_organisations(codes, column='organisation_code') %}
    {#- A condition on `column`: true for every row when `codes` is none, false for every row when it is empty. -#}
    {%- if codes is none -%}
        true
    {%- elif codes | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in ({% for code in codes %}'{{ code | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- endif -%}
{% endmacro %}


{% macro rebuild_scope(relation) %}
    {#- The rows of a per-organisation relation that this build recomputes: the relation itself in a full build. -#}
    {%- set codes = rebuilt_organisations() -%}
    {%- if codes is none -%}
        {{ relation }}
    {%- else -%}
        (select * from {{ relation }} where {{ in_rebuilt_organisations(codes) }})
    {%- endif -%}
{% endmacro %}


{% macro get_incremental_replace_organisations_sql(arg_dict) %}
    {#- The incremental strategy: the recomputed organisations' rows replace theirs (an organisation without rows
        any more loses its rows). -#}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }} where {{ in_rebuilt_organisations(rebuilt_organisations()) }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{% endmacro %}


{% macro tested_organisations(relation) %}
    {#- In an incremental build, the organisations whose rows of `relation` may have changed: a generic data test of
        an incremental model or staging view (per organisation, with an organisation_code column) reads only their
        rows; the other organisations' rows are those an earlier build tested. A view that reads raw tables and
        seeds only (a staging view) changes only with its sources: the organisations the loader listed for them.
        None (every row) in a full refresh and for any other relation. Found once per relation and invocation
        (`once_per_invocation`): a relation has several data tests. -#}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(once_per_invocation('tested:' ~ relation, organisations_to_test, relation)) }}
{% endmacro %}


{% macro organisations_to_test(relation) %}
    {#- tested_organisations, found from the relation's model, whether it has an organisation_code column, and the
        loader's list. -#}
    {%- set nodes = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and (node.alias or node.name) == relation.identifier
              and node.schema == relation.schema -%}
            {%- do nodes.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if nodes | length != 1 or nodes[0].config.materialized not in ('incremental', 'view') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set per_organisation = once_per_invocation('per_organisation', relations_with_organisation_code) -%}
    {%- if (relation.schema ~ '.' ~ relation.identifier) | lower not in per_organisation -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(pending_organisations(raw_sources_read(nodes[0]))) }}
{% endmacro %}


{% macro relations_with_organisation_code() %}
    {#- `schema.name` (lower case) of every table and view of the warehouse with an organisation_code column: one
        query for the invocation, not one per tested relation (docs/performance.md, item 72). Asked only in an
        incremental build, whose models have the columns they had when they were built: the project is the
        same (a changed project is a full refresh). -#}
    {%- set found = run_query(
        "select distinct lower(schema_name || '.' || table_name) from duckdb_columns() "
        "where database_name = current_database() and lower(column_name) = 'organisation_code'"
    ).columns[0].values() | list -%}
    {{ return(found) }}
{% endmacro %}


{% macro raw_sources_read(node) %}
    {#- The raw tables a view reads, when it reads nothing but raw tables and seeds; else none. -#}
    {%- if node.config.materialized != 'view' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set tables = [] -%}
    {%- for upstream in node.depends_on.nodes -%}
        {%- if upstream.startswith('source.') -%}
            {%- do tables.append(graph.sources[upstream].identifier) -%}
        {%- elif not upstream.startswith('seed.') -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(tables) }}
{% endmacro %}


{% macro duckdb__get_where_subquery(relation) -%}
    {#- dbt's own (a generic test's `where` config), and the scope of an incremental build (tested_organisations). -#}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set codes = tested_organisations(relation) -%}
    {%- if codes is not none -%}
        {%- do conditions.append(in_rebuilt_organisations(codes)) -%}
    {%- endif -%}
    {%- if conditions -%}
        {% do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') %}
    {%- else -%}
        {% do return(relation) %}
    {%- endif -%}
{%- endmacro %}
