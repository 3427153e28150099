"""Load one source's landing files into the DuckDB raw schema, by the file rules of `spec/sources.md`.

For each source the loader keeps, in the `raw` schema:

- `<source>__records`: every non-blank record of the current version of each file, as trimmed text, with its
  file name and line number (the record's position, the header being 1, blank records counted);
- `<source>`: the rows that passed every rule, typed (dates, flags, numbers), with `_file_name` and
  `_line_number` for lineage; `staff_survey_answers` holds the survey answers in long form;
- rows of `quarantine` (one per quarantined row, and one per rejected file) and of `load_log`
  (one per file version read; `rows_read = rows_loaded + rows_quarantined`);
- `file_versions` (the content hash of every file version read) and `source_state` (a fingerprint of the
  rules the source was last validated with).

A file whose content hash is already known is not read again, so loading the same content twice changes
nothing. A changed file replaces the records of its earlier version. A file that cannot be loaded (a required
column missing from its header, an unclosed quote, not text) is rejected whole: nothing from it is loaded, the
records of its earlier version (if any) stay, and the rejection is logged and quarantined. Every change of a
source is made in one transaction, so a run killed mid-load leaves the previous state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.lib import landing_files
from orchestration.lib.faults import LOAD_BEFORE_COMMIT, fault_point
from orchestration.lib.contract import QUESTION_COLUMN_PATTERN, Source
from orchestration.lib.landing_files import BLANK_LINE_MARKER, LandingFile
from orchestration.lib.validation import MACROS, key_sql, output_columns_sql, validated_sql

# Bump when a rule of the loader changes, so that every source is validated again on the next run.
RULES_VERSION = "1"

# The seeds the loader's rules read (relative to the seeds folder).
SEED_FILES = ("staff_groups.csv", "survey_question_map.csv", "survey_answer_codes.csv")

DEFAULT_MAX_LINE_SIZE = 2_097_152

DDL = """
create schema if not exists raw;
create table if not exists raw.file_versions (
    source varchar not null,
    file_name varchar not null,
    content_sha256 varchar not null,
    encoding varchar,
    status varchar not null,            -- 'loaded' or 'rejected'
    rows_read bigint not null,
    loaded_at timestamp not null,
    header_columns varchar[],
    extra_columns varchar[],
    rejected_column varchar,
    message varchar
);
create table if not exists raw.quarantine (
    source varchar not null,
    file_name varchar not null,
    line_number bigint,
    "column" varchar,
    reason varchar not null
);
create table if not exists raw.load_log (
    source varchar not null,
    file_name varchar not null,
    content_sha256 varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    encoding varchar,
    loaded_at timestamp not null,
    status varchar not null,
    extra_columns varchar,
    message varchar
);
create table if not exists raw.source_state (
    source varchar primary key,
    fingerprint varchar not null
);
"""


@dataclass
class FileRead:
    """What reading one new or changed file version produced."""

    file: LandingFile
    content_sha256: str
    encoding: str | None
    status: str  # 'loaded' or 'rejected'
    rows_read: int
    header_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    rejected_column: str | None = None
    message: str | None = None


@dataclass
class SourceLoad:
    """The outcome of loading one source: what was read this run and the source's state afterwards."""

    source: str
    files_read: list[FileRead]
    unchanged: bool
    rows_loaded: int
    rows_quarantined: int
    rejected: list[str]  # an error message per rejected file currently in the landing folder
    files: list[dict]  # the source's load-log rows after the load


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _records_table(source: Source) -> str:
    return f"raw.{source.name}__records"


def _records_ddl(source: Source) -> str:
    columns = ",\n    ".join(f"{_ident(c)} varchar" for c in source.column_names)
    answers = ",\n    _answers map(varchar, varchar)" if source.has_questions else ""
    return f"""
    create table if not exists {_records_table(source)} (
        _file_name varchar not null,
        _line_number bigint not null,
        _structural_column varchar,
        _structural_reason varchar,
        {columns}{answers}
    )"""


def ensure_schema(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    con.execute(DDL)
    con.execute(_records_ddl(source))


def create_seed_tables(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> None:
    """The seed code lists the rules need, as temporary tables on this connection."""
    con.execute(MACROS)
    con.execute(
        "create or replace temp table seed_staff_groups as "
        "select trim(staff_group) as staff_group from read_csv(?, header = true, all_varchar = true)",
        [str(seeds_dir / "staff_groups.csv")],
    )
    con.execute(
        """
        create or replace temp table seed_survey_mapped_questions as
        with question_map as (
            select * from read_csv(?, header = true, all_varchar = true)
        ),
        answer_codes as (
            select indicator, list(answer_code order by answer_code) as codes
            from read_csv(?, header = true, all_varchar = true)
            group by indicator
        ),
        mapped as (
            unpivot question_map
            on columns(* exclude (survey_year))
            into name item value question
        )
        select
            cast(mapped.survey_year as bigint) as survey_year,
            lower(trim(mapped.question)) as question,
            regexp_extract(mapped.item, '[0-9]+') as indicator,
            answer_codes.codes,
            array_to_string(answer_codes.codes, ', ') as valid_codes,
            row_number() over (partition by mapped.survey_year order by mapped.item) as position
        from mapped
        inner join answer_codes on answer_codes.indicator = regexp_extract(mapped.item, '[0-9]+')
        where nullif(trim(mapped.question), '') is not null
        """,
        [str(seeds_dir / "survey_question_map.csv"), str(seeds_dir / "survey_answer_codes.csv")],
    )


def rules_fingerprint(source: Source, seeds_dir: Path, run_date: dt.date) -> str:
    """Changes when anything the source's validation depends on changes, so the source is validated again."""
    digest = hashlib.sha256(f"{RULES_VERSION}|{source.name}".encode())
    for seed in SEED_FILES:
        digest.update((seeds_dir / seed).read_bytes())
    if any(":run_date" in rule.fails for rule in source.rules):
        digest.update(run_date.isoformat().encode())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# Reading one file into a temporary table of positioned records


def _read_csv_sql(n_fields: int, strict: bool, file_size: int, parallel: bool = True) -> str:
    """DuckDB's reader for a normalised file: every field as text, rejects stored in `_wres_rejects`.

    One record may be as long as the file, so the largest line and the buffer are at least the file's size.
    A smaller limit fails badly on a long record: one longer than the buffer is silently dropped (unquoted) or
    misread as a badly quoted field (quoted); one longer than the largest line is rejected and DuckDB then
    resumes inside it, turning every line of a long multi-line quoted field into a rejected record (minutes
    for a 50 MB field).
    DuckDB's parallel reader can lose records (good and rejected alike) when a file has many rejected records,
    so a file with rejects is read again with `parallel = false` (`_parse_positioned`).
    """
    columns = "{" + ", ".join(f"'c{i}': 'varchar'" for i in range(n_fields)) + "}"
    max_line_size = max(DEFAULT_MAX_LINE_SIZE, file_size + 1024)
    buffer_size = max(16 * 1024 * 1024, max_line_size)
    return f"""
    select * from read_csv(
        ?, header = false, auto_detect = false, columns = {columns},
        delim = ',', quote = '"', escape = '"', new_line = '\\n',
        strict_mode = {str(strict).lower()}, null_padding = false, parallel = {str(parallel).lower()},
        store_rejects = true, rejects_table = '_wres_rejects', rejects_scan = '_wres_reject_scans',
        max_line_size = {max_line_size}, buffer_size = {buffer_size}
    )"""


_STRUCTURAL_REASONS = {
    "TOO MANY COLUMNS": "record has more fields than the header ({n})",
    "MISSING COLUMNS": "record has fewer fields than the header ({n}): a truncated or split line?",
    "UNQUOTED VALUE": "badly quoted field: text follows a closing quote",
    "LINE SIZE OVER MAXIMUM": "record is longer than the largest line DuckDB can read",
    "INVALID UNICODE": "record is not valid text",
}


def _parse_positioned(con: duckdb.DuckDBPyConnection, path: Path, n_fields: int) -> None:
    """Create `_wres_positioned`: every record with its line number, blank flag and structural error."""
    for parallel in (True, False):
        con.execute("drop table if exists _wres_rejects; drop table if exists _wres_reject_scans;")
        con.execute("drop table if exists _wres_csv")
        sql = _read_csv_sql(n_fields, True, path.stat().st_size, parallel)
        con.execute(f"create temp table _wres_csv as {sql}", [str(path)])
        if not con.execute("select count(*) from _wres_rejects").fetchone()[0]:
            break  # else read again, sequentially: see _read_csv_sql

    fields = [f"c{i}" for i in range(n_fields)]
    all_blank = " and ".join(f"coalesce(trim({f}, ' \t'), '') = ''" for f in fields)
    structural_cases = "\n".join(
        f"when '{error_type}' then '{reason.format(n=n_fields)}'" for error_type, reason in _STRUCTURAL_REASONS.items()
    )
    marker = BLANK_LINE_MARKER.decode()
    con.execute(
        f"""
        create or replace temp table _wres_positioned as
        with good as (
            select rowid - (select min(rowid) from _wres_csv) + 1 as ordinal, * from _wres_csv
        ),
        rejected as (
            select
                line,
                arg_min(error_type, column_idx) as error_type,
                arg_min(column_idx, column_idx) as column_idx,
                arg_min(error_message, column_idx) as error_message,
                any_value(csv_line) as csv_line
            from _wres_rejects
            group by line
        ),
        -- The good record with ordinal k lies at line k + (the rejected records before it), and a rejected
        -- record at `line` has `line - its rank` good records before it. Counting, in one sorted pass, the
        -- rejected records whose good-before count is below k (a running sum, not an inequality join, which
        -- DuckDB may run as a nested loop: quadratic in a file with a blank line after every record).
        rejected_good_before as (
            select line - row_number() over (order by line) as good_before from rejected
        ),
        events as (
            select ordinal as position, 0 as is_rejected from good
            union all
            select good_before, 1 from rejected_good_before
        ),
        shifts as (
            select
                position as ordinal,
                sum(is_rejected) over (order by position, is_rejected rows unbounded preceding) as rejected_before
            from events
            qualify is_rejected = 0
        ),
        good_positioned as (
            select
                good.ordinal + shifts.rejected_before as line_number,
                (({all_blank}) or good.c0 is not distinct from '{marker}') as is_blank,
                null::varchar as structural_reason,
                null::bigint as structural_field,
                {', '.join(f'good.{f}' for f in fields)}
            from good
            inner join shifts using (ordinal)
        ),
        rejected_positioned as (
            select
                line as line_number,
                coalesce(starts_with(csv_line, '{marker}') or regexp_full_match(csv_line, '[\\s,"]*'), false)
                    as is_blank,
                case error_type {structural_cases} else error_message end as structural_reason,
                -- 1-based field of the error; for MISSING COLUMNS DuckDB's column_idx counts the fields found,
                -- so the first missing field is the next one
                (column_idx + case when error_type = 'MISSING COLUMNS' then 1 else 0 end)::bigint
                    as structural_field,
                {', '.join(f'null::varchar as {f}' for f in fields)}
            from rejected
        )
        select * from good_positioned
        union all
        select * from rejected_positioned
        """
    )


def _count_lenient_records(con: duckdb.DuckDBPyConnection, path: Path, n_fields: int) -> int:
    """Records of a file that cannot be loaded, counted the way a lenient CSV reader sees them.

    Blank records (blank-line markers included) are not rows, as for a loaded file; the header is not a row.
    """
    try:
        con.execute("drop table if exists _wres_rejects; drop table if exists _wres_reject_scans;")
        n_fields = max(n_fields, 1)
        # DuckDB's parallel scanner refuses null_padding with quoted line breaks.
        sql = _read_csv_sql(n_fields, False, path.stat().st_size, parallel=False)
        sql = sql.replace("null_padding = false", "null_padding = true")
        marker = BLANK_LINE_MARKER.decode()
        blank = " and ".join(f"coalesce(trim(c{i}, ' \t'), '') = ''" for i in range(n_fields))
        total = con.execute(
            f"select count(*) from ({sql}) where not ({blank}) and c0 is distinct from '{marker}'", [str(path)]
        ).fetchone()[0]
        rejected = con.execute(
            "select count(distinct line) from _wres_rejects "
            f"where not coalesce(starts_with(csv_line, '{marker}') or regexp_full_match(csv_line, '[\\s,\"]*'), false)"
        ).fetchone()[0]
        return max(total + rejected - 1, 0)
    except duckdb.Error:
        data = path.read_bytes()
        lines = [line for line in data.splitlines() if line.strip() and not line.startswith(BLANK_LINE_MARKER)]
        return max(len(lines) - 1, 0)


# ---------------------------------------------------------------------------------------------------------------
# Header matching


@dataclass(frozen=True)
class HeaderMatch:
    positions: dict[str, int]  # contract column -> field index
    questions: dict[str, int]  # survey question column -> field index
    extra: list[str]
    missing_required: list[str]


def match_header(source: Source, header: list[str]) -> HeaderMatch:
    positions: dict[str, int] = {}
    questions: dict[str, int] = {}
    extra: list[str] = []
    known = set(source.column_names)
    for index, raw_name in enumerate(header):
        name = landing_files.header_key(raw_name)
        if name in known and name not in positions:
            positions[name] = index
        elif source.has_questions and re.match(QUESTION_COLUMN_PATTERN, name) and name not in questions:
            questions[name] = index
        elif name:
            extra.append(raw_name.strip())
    missing = [c for c in source.required if c not in positions]
    return HeaderMatch(positions, questions, extra, missing)


# ---------------------------------------------------------------------------------------------------------------
# Reading a changed file into the records table


def _insert_records(
    con: duckdb.DuckDBPyConnection, source: Source, file_name: str, match: HeaderMatch, header: list[str]
) -> int:
    """Insert the non-blank records of `_wres_positioned` (header excluded) into the source's records table."""
    blank_line = landing_files.blank_line(len(header)).decode()

    def field(index: int) -> str:
        # An empty line inside a quoted field was marked like any other (see landing_files): unmark it.
        return f"nullif(trim(replace(c{index}, '{blank_line}', ''), ' \t'), '')"

    values = [field(match.positions[c]) if c in match.positions else "null" for c in source.column_names]
    answers = ""
    if source.has_questions:
        entries = ", ".join(f"('{q}', {field(i)})" for q, i in match.questions.items())
        answers = f", map_from_entries([{entries}])::map(varchar, varchar)" if entries else \
            ", map_from_entries([])::map(varchar, varchar)"
    header_names = "[" + ", ".join("'" + h.replace("'", "''") + "'" for h in header) + "]"
    con.execute(
        f"""
        insert into {_records_table(source)}
        with positioned as (
            select * from _wres_positioned
            -- the header is the first non-blank record, even one DuckDB rejected (e.g. `"notes"x`): the
            -- header was read from the same line (`landing_files.normalise`)
            where line_number > (select min(line_number) from _wres_positioned where not is_blank)
                and not is_blank
        )
        select
            ?,
            line_number,
            case when structural_field between 1 and {len(header)}
                then {header_names}[structural_field] end,
            structural_reason,
            {', '.join(values)}{answers}
        from positioned
        """,
        [file_name],
    )
    return con.execute(
        f"select count(*) from {_records_table(source)} where _file_name = ?", [file_name]
    ).fetchone()[0]


def read_file(con: duckdb.DuckDBPyConnection, source: Source, file: LandingFile, data: bytes, workdir: Path) -> FileRead:
    """Parse one new or changed file into `_wres_positioned`; decide whether it loads or is rejected."""
    content_sha256 = landing_files.sha256(data)
    try:
        normalised = landing_files.normalise(data)
    except landing_files.UnreadableFile as error:
        # Counted as lines, without NUL bytes (UTF-16 without a byte-order mark has one after each newline).
        rows = max(len([line for line in data.replace(b"\x00", b"").splitlines() if line.strip()]) - 1, 0)
        return FileRead(file, content_sha256, None, "rejected", rows, message=f"{file.file_name}: {error}")
    path = workdir / "normalised.csv"
    path.write_bytes(normalised.data)
    header = normalised.header
    n_fields = max(len(header), 1)
    match = match_header(source, header)

    if normalised.unbalanced_quote_line is not None:
        rows = _count_lenient_records(con, path, n_fields)
        return FileRead(
            file, content_sha256, normalised.encoding, "rejected", rows, header, match.extra,
            message=(f"{file.file_name}: a quoted field opened on line {normalised.unbalanced_quote_line} "
                     "is never closed (unbalanced quotes); nothing from this file was loaded"),
        )
    if not header:
        return FileRead(file, content_sha256, normalised.encoding, "loaded", 0, header, [])
    if match.missing_required:
        rows = _count_lenient_records(con, path, n_fields)
        missing = ", ".join(match.missing_required)
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = " (the file looks semicolon-delimited; the contract is comma-separated)"
        return FileRead(
            file, content_sha256, normalised.encoding, "rejected", rows, header, match.extra,
            rejected_column=match.missing_required[0],
            message=(f"{file.file_name}: required column {missing} missing from the header{hint}; "
                     "nothing from this file was loaded"),
        )
    _parse_positioned(con, path, n_fields)
    return FileRead(file, content_sha256, normalised.encoding, "loaded", -1, header, match.extra)


# ---------------------------------------------------------------------------------------------------------------
# Rebuilding a source's tables from its records


def _rebuild(con: duckdb.DuckDBPyConnection, source: Source, run_date: dt.date) -> None:
    name = source.name
    validated = validated_sql(source, _records_table(source), run_date)
    con.execute(f"create or replace temp table _wres_validated as {validated}")
    con.execute(
        f"""
        create or replace temp table _wres_ranked as
        select
            _file_name, _line_number,
            row_number() over by_key as _rank,
            first_value(_file_name) over by_key as _first_file,
            first_value(_line_number) over by_key as _first_line
        from _wres_validated
        where _error is null
        window by_key as (partition by {key_sql(source)} order by _file_name, _line_number)
        """
    )
    answers = ", _answers" if source.has_questions else ""
    con.execute(
        f"""
        create or replace table raw.{name} as
        select {output_columns_sql(source)}, _file_name, _line_number{answers}
        from _wres_validated
        inner join _wres_ranked using (_file_name, _line_number)
        where _rank = 1
        order by _file_name, _line_number
        """
    )
    if source.has_questions:
        con.execute(
            f"""
            create or replace table raw.{name}_answers as
            select organisation_code, survey_year, respondent_id, entry.key as question, entry.value as answer
            from (select organisation_code, survey_year, respondent_id, unnest(map_entries(_answers)) as entry
                  from raw.{name})
            where entry.value is not null
            """
        )
        con.execute(f"alter table raw.{name} drop column _answers")
    key_names = ", ".join(source.key)
    con.execute("delete from raw.quarantine where source = ?", [name])
    con.execute(
        f"""
        insert into raw.quarantine
        select ?, _file_name, _line_number, _error.column, _error.reason
        from _wres_validated where _error is not null
        union all
        select ?, _file_name, _line_number, '{source.identifier}',
            'duplicate key ({key_names}): first loaded from ' || _first_file || ' line ' || _first_line
        from _wres_ranked where _rank > 1
        union all
        select ?, file_name, null, rejected_column, message
        from raw.file_versions where source = ? and status = 'rejected'
        """,
        [name, name, name, name],
    )
    con.execute("delete from raw.load_log where source = ?", [name])
    con.execute(
        """
        insert into raw.load_log
        with loaded as (
            select _file_name as file_name, count(*) as rows_loaded
            from _wres_ranked where _rank = 1 group by all
        )
        select
            v.source, v.file_name, v.content_sha256, v.rows_read,
            case when v.status = 'loaded' then coalesce(loaded.rows_loaded, 0) else 0 end,
            v.rows_read - case when v.status = 'loaded' then coalesce(loaded.rows_loaded, 0) else 0 end,
            v.encoding, v.loaded_at, v.status, nullif(array_to_string(v.extra_columns, '|'), ''), v.message
        from raw.file_versions as v
        left join loaded on loaded.file_name = v.file_name
        where v.source = ?
        """,
        [name],
    )


def _state(
    con: duckdb.DuckDBPyConnection, source: Source
) -> tuple[set[tuple[str, str]], set[tuple[str, str]], str | None]:
    """The source's known file versions, those of them that were rejected, and its rules fingerprint."""
    rows = con.execute(
        "select file_name, content_sha256, status from raw.file_versions where source = ?", [source.name]
    ).fetchall()
    versions = {(name, sha) for name, sha, _status in rows}
    rejected = {(name, sha) for name, sha, status in rows if status == "rejected"}
    fingerprint = con.execute("select fingerprint from raw.source_state where source = ?", [source.name]).fetchone()
    return versions, rejected, fingerprint[0] if fingerprint else None


def _summary(con: duckdb.DuckDBPyConnection, source: Source, files_read: list[FileRead], unchanged: bool,
             present: set[str]) -> SourceLoad:
    rows = con.execute(
        "select * from raw.load_log where source = ? order by file_name, loaded_at", [source.name]
    ).fetchdf().to_dict("records")
    rejected = [
        r["message"] for r in rows if r["status"] == "rejected" and r["file_name"] in present and r["message"]
    ]
    return SourceLoad(
        source=source.name,
        files_read=files_read,
        unchanged=unchanged,
        rows_loaded=sum(int(r["rows_loaded"]) for r in rows),
        rows_quarantined=sum(int(r["rows_quarantined"]) for r in rows),
        rejected=rejected,
        files=rows,
    )


def load_source(
    con: duckdb.DuckDBPyConnection, source: Source, landing_dir: Path, seeds_dir: Path, run_date: dt.date
) -> SourceLoad:
    """Bring the source's raw tables up to date with its landing folder (see the module docstring)."""
    ensure_schema(con, source)
    create_seed_tables(con, seeds_dir)
    files = landing_files.discover(landing_dir, source.name)
    known_versions, rejected_versions, known_fingerprint = _state(con, source)
    fingerprint = rules_fingerprint(source, seeds_dir, run_date)

    contents = {f.file_name: f.path.read_bytes() for f in files}
    current = {name: landing_files.sha256(data) for name, data in contents.items()}
    changed = [f for f in files if (f.file_name, current[f.file_name]) not in known_versions]
    # A rejection is stale once the file holds other content again (e.g. changed back to the loaded version).
    stale_rejections = [(name, sha) for name, sha in rejected_versions if name in current and current[name] != sha]
    present = set(current)
    if not changed and not stale_rejections and fingerprint == known_fingerprint:
        return _summary(con, source, [], True, present)

    files_read: list[FileRead] = []
    loaded_at = dt.datetime.now().replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="wres-load-") as tmp:
        con.execute("begin transaction")
        try:
            for name, sha in stale_rejections:
                con.execute(
                    "delete from raw.file_versions where source = ? and file_name = ? and content_sha256 = ? "
                    "and status = 'rejected'",
                    [source.name, name, sha],
                )
            for file in changed:
                read = read_file(con, source, file, contents[file.file_name], Path(tmp))
                if read.status == "loaded":
                    con.execute(f"delete from {_records_table(source)} where _file_name = ?", [file.file_name])
                    con.execute("delete from raw.file_versions where source = ? and file_name = ?",
                                [source.name, file.file_name])
                    if read.header_columns:
                        match = match_header(source, read.header_columns)
                        read.rows_read = _insert_records(con, source, file.file_name, match, read.header_columns)
                    else:
                        read.rows_read = 0
                else:
                    con.execute(
                        "delete from raw.file_versions where source = ? and file_name = ? and status = 'rejected'",
                        [source.name, file.file_name],
                    )
                con.execute(
                    "insert into raw.file_versions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [source.name, file.file_name, read.content_sha256, read.encoding, read.status, read.rows_read,
                     loaded_at, read.header_columns, read.extra_columns, read.rejected_column, read.message],
                )
                files_read.append(read)
            _rebuild(con, source, run_date)
            con.execute(
                "insert or replace into raw.source_state values (?, ?)", [source.name, fingerprint]
            )
            fault_point(LOAD_BEFORE_COMMIT)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return _summary(con, source, files_read, False, present)
