"""SQL that types and validates a source's records by the rules of `spec/sources.md`.

Rules are applied in the spec's order and the first failure of a row is the one it is quarantined for:
a structural error of the CSV record; a required value is blank; a value is not of its column's type; a rule of
the source fails; the row's key repeats the key of an earlier valid row (files in name order, rows in file
order, keys compared on typed, trimmed values). Within each rule, columns are taken in the contract's order.
"""

from __future__ import annotations

import datetime as dt

from orchestration.lib.contract import Column, RowRule, Source

# A field as the rules read it, and the typed-value parsers, created as temporary macros on the loader's connection.
# wres_field: the field trimmed (`trim` takes spaces, Unicode ones included, from both ends), null when blank. An
# ASCII field with no space at either end is taken as it is, as `trim` would return it: the check costs a third of
# the trim (docs/performance.md, item 64).
MACROS = r"""
create or replace temp macro wres_field(v) as case
    when strlen(v) = length(v) and not starts_with(v, ' ') and not ends_with(v, ' ') then nullif(v, '')
    else nullif(trim(v), '')
end;
create or replace temp macro wres_date(v) as case
    when regexp_full_match(v, '[0-9]{4}-[0-9]{2}-[0-9]{2}') then try_strptime(v, '%Y-%m-%d')::date
    when regexp_full_match(v, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}') then try_strptime(v, '%d/%m/%Y')::date
end;
create or replace temp macro wres_flag(v) as case
    when lower(v) in ('y', 'yes', 'true') then true
    when lower(v) in ('n', 'no', 'false') then false
end;
create or replace temp macro wres_integer(v) as case
    when regexp_full_match(v, '[0-9]+') then try_cast(v as bigint)
end;
create or replace temp macro wres_decimal(v) as case
    when regexp_full_match(v, '[0-9]+(\.[0-9]+)?') then try_cast(v as double precision)
end;
"""

_PARSERS = {
    "date": "wres_date({v})",
    "flag": "wres_flag({v})",
    "integer": "wres_integer({v})",
    "decimal": "wres_decimal({v})",
    "organisation": "upper({v})",
    "text": "{v}",
}

_TYPE_REASONS = {
    "date": "not a date (YYYY-MM-DD or D/M/YYYY, a real calendar day)",
    "flag": "not a flag (Y, N, Yes, No, TRUE or FALSE)",
    "integer": "not an integer (digits only)",
    "decimal": "not a decimal (digits, optionally a point and more digits)",
}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _text(column: Column) -> str:
    """The name under which the trimmed source text of a typed column is kept while validating."""
    return _quote("_text_" + column.name)


def _error(column: str | None, reason_sql: str) -> str:
    column_sql = "null::varchar" if column is None else _literal(column)
    return f"{{'column': {column_sql}, 'reason': {reason_sql}}}"


def _shown(value_sql: str) -> str:
    """A value quoted into a reason, cut to 40 characters so a huge field does not flood the quarantine."""
    return f"'''' || left({value_sql}, 40) || case when length({value_sql}) > 40 then '...' else '' end || ''''"


def fails_sql(rule: RowRule, run_date: dt.date) -> str:
    """The rule's condition for a run on `run_date` (true when a row breaks it)."""
    return rule.fails.replace(":run_date", f"date '{run_date.isoformat()}'")


def validated_sql(source: Source, records: str, typed_rows: str, run_date: dt.date) -> str:
    """Select every record of the source with its typed columns, its first failure (`_error`, null if valid) and
    whether it could be typed (`_typed`: no structural error, every value of its column's type).

    `records` are text records (the columns of a records table); `typed_rows` are rows typed before (the columns
    of the source's raw table), validated again as they are: a typed row keeps no text (`_text_<column>` is
    null), so the required rule reads `_text_<column> is null and <column> is null` and the type rules never
    fail for it."""
    text_columns, typed_columns = [], []
    untyped = ["_structural_reason is not null"]
    for column in source.columns:
        name = _quote(column.name)
        parsed = _PARSERS[column.type].format(v=name)
        if column.type in _TYPE_REASONS:
            text_columns.append(f"{name} as {_text(column)}")
            typed_columns.append(f"null::varchar as {_text(column)}")
            untyped.append(f"({_text(column)} is not null and {name} is null)")
        text_columns.append(f"{parsed} as {name}")
        typed_columns.append(name)
    if source.has_questions:
        text_columns.append("_answers")
        typed_columns.append("answers as _answers")

    whens = ["when _structural_reason is not null then {'column': _structural_column, 'reason': _structural_reason}"]
    for column in source.columns:
        if column.required:
            blank = (f"{_text(column)} is null and {_quote(column.name)} is null" if column.type in _TYPE_REASONS
                     else f"{_quote(column.name)} is null")
            whens.append(f"when {blank} then {_error(column.name, _literal('required value is blank'))}")
    for column in source.columns:
        if column.type in _TYPE_REASONS:
            reason = _literal(_TYPE_REASONS[column.type] + ": ") + " || " + _shown(_text(column))
            whens.append(f"when {_text(column)} is not null and {_quote(column.name)} is null "
                         f"then {_error(column.name, reason)}")
    for rule in source.rules:
        whens.append(f"when {fails_sql(rule, run_date)} then {_error(rule.column, _literal(rule.reason))}")

    answer_join = ""
    if source.has_questions:
        whens.append(
            "when answer_errors.question is not null then {'column': answer_errors.question, "
            "'reason': 'not an answer code of indicator ' || answer_errors.indicator || ' (' || "
            "answer_errors.valid_codes || '): ' || " + _shown("answer_errors.answer") + "}"
        )
        answer_join = """
        left join answer_errors using (_file_name, _line_number)"""

    answer_cte = ""
    if source.has_questions:
        answer_cte = """,
    answer_errors as (
        select
            typed._file_name,
            typed._line_number,
            arg_min(mapped.question, mapped.position) as question,
            arg_min(mapped.indicator, mapped.position) as indicator,
            arg_min(mapped.valid_codes, mapped.position) as valid_codes,
            arg_min(typed._answers[mapped.question], mapped.position) as answer
        from typed
        inner join seed_survey_mapped_questions as mapped
            on mapped.survey_year = typed.survey_year
        where typed._answers[mapped.question] is not null
            and not list_contains(mapped.codes, typed._answers[mapped.question])
        group by typed._file_name, typed._line_number
    )"""

    # The text of a typed column is kept only for the records that cannot be typed (the rest keep no text): for
    # 9.6 million national staff-in-post records, four text columns fewer to hold.
    texts = [_text(column) for column in source.columns if column.type in _TYPE_REASONS]
    kept_text = ", ".join(f"case when _typed then null else {text} end as {text}" for text in texts)
    separator = ",\n            "
    return f"""
    with typed as (
        select _file_name, _line_number, _structural_column, _structural_reason,
            {separator.join(text_columns)}
        from {records}
        union all
        select _file_name, _line_number, null::varchar, null::varchar,
            {separator.join(typed_columns)}
        from {typed_rows}
    ){answer_cte},
    checked as (
        select
            typed.*,
            case
                {(chr(10) + '                ').join(whens)}
            end as _error,
            not ({' or '.join(untyped)}) as _typed
        from typed{answer_join}
    )
    select {f"* replace ({kept_text})" if texts else "*"} from checked
    """


def key_sql(source: Source) -> str:
    return ", ".join(_quote(k) for k in source.key)


def output_columns_sql(source: Source) -> str:
    return ", ".join(_quote(c.name) for c in source.columns)


def record_columns_sql(source: Source) -> str:
    """The text of a validated record's columns (for a record that could not be typed): its `_text_` column where
    the type has one, else the column (an organisation code upper-cased)."""
    return ", ".join(_text(c) if c.type in _TYPE_REASONS else _quote(c.name) for c in source.columns)
