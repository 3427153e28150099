"""Load one source's landing files into the DuckDB raw schema, by the file rules of `spec/sources.md`.

For each source the loader keeps, in the `raw` schema, every non-blank record of the current version of each
file, with its file name and line number (the record's position, the header being 1, blank records counted), in
one of three tables:

- `<source>`: the rows that passed every rule, typed (dates, flags, numbers), with `_file_name` and
  `_line_number` for lineage; `staff_survey` also has `answers`, the respondent's answers keyed by question
  column (`q14a` ...: the header's name, lower case; a blank answer is null);
- `<source>__held`: the rows that could be typed but are quarantined (a blank required value, a rule of the
  source, an answer code, a repeated key), typed as in `<source>`;
- `<source>__records`: the records that could not be typed (a structural error of the CSV record, a value not
  of its column's type), as trimmed text (organisation codes upper-cased);
- rows of `quarantine` (one per quarantined row, and one per rejected file) and of `load_log`
  (one per file version read; `rows_read = rows_loaded + rows_quarantined`);
- `file_versions` (the content hash of every file version read) and `source_state` (a fingerprint of the
  rules the source was last validated with, and a new `version` at every load that changes the source's tables:
  what the Great Expectations suites reuse their results by, `lib/expectations.py`).

A file whose content hash is already known is not read again, so loading the same content twice changes
nothing. A changed file replaces the records of its earlier version. A file that cannot be loaded (a required
column missing from its header, an unclosed quote, not text) is rejected whole: nothing from it is loaded, the
records of its earlier version (if any) stay, and the rejection is logged and quarantined. Every change of a
source is made in one transaction, so a run killed mid-load leaves the previous state.

An organisation is validated again from what is kept of it: its text records are typed and validated, its
typed rows (loaded and held) validated as they are (`validation.validated_sql`), so a row that a later load
quarantines (a new file earlier in name order repeats its key, a seed changes) is held as typed, never turned
back into text. Only the few records that cannot be typed are kept as text: the national staff-in-post load
wrote 9.6 million text records before (23.9 s).

A load has two phases. First, outside the transaction, the changed files are read into temporary tables (a
view of their records, `NEW_RECORDS`, over them) and the records in scope are validated into another; no table
the source's readers use changes. Then one transaction replaces the source's tables from them. DuckDB reads a table created in the open
transaction at about half the speed of a committed one: the national staff-in-post load took 109 s of SQL in one
transaction, 74 s in two phases.

At national scale (thousands of files, millions of rows) three things keep a load fast:
- a file is hashed again only when its size, modification time, change time or inode differ from the last
  time it was hashed (`raw.landing_file_stats`); the content hash stays the truth;
- clean files (`landing_files.clean_shape`: UTF-8, one kind of line end, no empty line, balanced quotes, and
  quoted line breaks only in small LF files) with the same header are read in one multi-file DuckDB scan, their
  line numbers DuckDB's own reading order; any other file, and any clean file in which DuckDB rejects a record,
  takes the per-file path;
- every rule is local to an organisation (keys include organisation_code), so only the organisations whose
  records changed are validated again and replaced in `raw.<source>` and `raw.quarantine`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.lib import landing_files
from orchestration.lib.faults import LOAD_BEFORE_COMMIT, fault_point
from orchestration.lib.contract import QUESTION_COLUMN_PATTERN, SQL_TYPES, Source
from orchestration.lib.landing_files import BLANK_LINE_MARKER, LandingFile, StatKey
from orchestration.lib.validation import (
    MACROS,
    fails_sql,
    key_sql,
    output_columns_sql,
    record_columns_sql,
    validated_sql,
)

# Bump when a rule of the loader (or the layout of the tables it fills) changes, so that every source is
# validated again on the next run. 2: the survey answers in the respondent's row, not a table of their own.
# 3: records kept as text only when they cannot be typed; typed quarantined rows held in `<source>__held`.
RULES_VERSION = "3"

# The seeds the loader's rules read (relative to the seeds folder).
SEED_FILES = ("staff_groups.csv", "survey_question_map.csv", "survey_answer_codes.csv")

DEFAULT_MAX_LINE_SIZE = 2_097_152

# The survey answers of a record or loaded row: question column (lower case) -> answer (null when blank).
ANSWERS_TYPE = "map(varchar, varchar)"

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
    reason varchar not null,
    organisation_code varchar            -- the row's organisation where it has one (for per-organisation notes)
);
create table if not exists raw.landing_file_stats (
    source varchar not null,
    file_name varchar not null,
    size bigint not null,
    mtime_ns bigint not null,
    ctime_ns bigint not null,
    inode bigint not null,
    content_sha256 varchar not null
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
    fingerprint varchar not null,
    version varchar                      -- new at every load that changed the source's tables
);
-- The organisations whose rows changed since dbt last built them ('*': every organisation), by source: what
-- the next dbt build recomputes (dbt_project/macros/rebuild_scope.sql). The dbt step empties it after a build.
create table if not exists raw.pending_organisations (
    source varchar not null,
    organisation_code varchar not null
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
    # The organisations whose rows the load validated again and replaced (None: every organisation; empty when
    # unchanged): new identifiers can only be in their rows (`pseudonymise.update_pseudonyms`).
    changed_organisations: set[str] | None = field(default_factory=set)
    # The organisation codes of the records kept from the files read this run, in order (for the run's metadata).
    organisations_read: list[str] = field(default_factory=list)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _records_table(source: Source) -> str:
    """The records that could not be typed, as text."""
    return f"raw.{source.name}__records"


def _held_table(source: Source) -> str:
    """The typed rows that are quarantined (the columns of the source's raw table)."""
    return f"raw.{source.name}__held"


# The records of the files read this run, before they are validated (the columns of `_records_table`): a
# temporary view of those read one by one (`FILE_RECORDS`) and of the scans of clean files (`_scan_clean_group`).
NEW_RECORDS = "_wres_new_records"
FILE_RECORDS = "_wres_file_records"


def _records_ddl(source: Source, table: str, temporary: bool = False) -> str:
    """The records table (`_records_table`), or the records read one by one (`FILE_RECORDS`): the same columns."""
    columns = ",\n    ".join(f"{_ident(c)} varchar" for c in source.column_names)
    answers = f",\n    _answers {ANSWERS_TYPE}" if source.has_questions else ""
    return f"""
    create {'temp ' if temporary else ''}table if not exists {table} (
        _file_name varchar not null,
        _line_number bigint not null,
        _structural_column varchar,
        _structural_reason varchar,
        {columns}{answers}
    )"""


def _typed_ddl(source: Source, table: str) -> str:
    """The source's raw table of loaded rows, or its held rows (`_held_table`): the same columns."""
    columns = ", ".join(f"{_ident(c.name)} {SQL_TYPES[c.type]}" for c in source.columns)
    answers = f", answers {ANSWERS_TYPE}" if source.has_questions else ""
    return f"create table if not exists {table} ({columns}{answers}, _file_name varchar, _line_number bigint)"


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `schema.table` exists in the warehouse."""
    schema, name = table.split(".")
    return con.execute(
        "select exists (select 1 from duckdb_tables() where schema_name = ? and table_name = ? "
        "and database_name = current_database())", [schema, name],
    ).fetchone()[0]


def ensure_schema(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    con.execute(DDL)
    con.execute("alter table raw.quarantine add column if not exists organisation_code varchar")
    con.execute("alter table raw.source_state add column if not exists version varchar")
    if not _exists(con, _held_table(source)) and _exists(con, _records_table(source)):
        # A warehouse from before RULES_VERSION 3 kept every record as text: its loaded rows are typed again from
        # them by the next load (its rules fingerprint differs), so they go, lest they be validated twice.
        con.execute(f"delete from raw.{source.name}")
        con.execute(f"drop table if exists raw.{source.name}__new_records")
    con.execute(_records_ddl(source, _records_table(source)))
    con.execute(_typed_ddl(source, f"raw.{source.name}"))
    con.execute(_typed_ddl(source, _held_table(source)))
    if source.has_questions:  # a warehouse from before RULES_VERSION 2 kept the answers in a table of their own
        con.execute(f"drop table if exists raw.{source.name}_answers")
        con.execute(f"alter table raw.{source.name} add column if not exists answers {ANSWERS_TYPE}")


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


def rules_fingerprint(source: Source, seeds_dir: Path) -> str:
    """Changes when anything the source's validation depends on changes, so the source is validated again.

    The day of the run is not part of it: the organisations with a row quarantined for a date that has since
    come are validated again by `_due_organisations`."""
    digest = hashlib.sha256(f"{RULES_VERSION}|{source.name}".encode())
    for seed in SEED_FILES:
        digest.update((seeds_dir / seed).read_bytes())
    return digest.hexdigest()


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit the statements of the block, or roll them back if it raises. Around a CSV scan and the reading of
    its rejects table too: DuckDB keeps the tables of `store_rejects` for the transaction of the scan, and an
    autocommitted scan that rejects nothing leaves none."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


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
    with _transaction(con):
        for parallel in (True, False):
            con.execute("drop table if exists _wres_rejects; drop table if exists _wres_reject_scans;")
            con.execute("drop table if exists _wres_csv")
            sql = _read_csv_sql(n_fields, True, path.stat().st_size, parallel)
            con.execute(f"create temp table _wres_csv as {sql}", [str(path)])
            if not con.execute("select count(*) from _wres_rejects").fetchone()[0]:
                break  # else read again, sequentially: see _read_csv_sql

        fields = [f"c{i}" for i in range(n_fields)]
        all_blank = " and ".join(f"coalesce(trim({f}), '') = ''" for f in fields)
        structural_cases = "\n".join(
            f"when '{error_type}' then '{reason.format(n=n_fields)}'"
            for error_type, reason in _STRUCTURAL_REASONS.items()
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
        with _transaction(con):
            return _count_rejected_records(con, path, n_fields)
    except duckdb.Error:
        data = path.read_bytes()
        lines = [line for line in data.splitlines() if line.strip() and not line.startswith(BLANK_LINE_MARKER)]
        return max(len(lines) - 1, 0)


def _count_rejected_records(con: duckdb.DuckDBPyConnection, path: Path, n_fields: int) -> int:
    con.execute("drop table if exists _wres_rejects; drop table if exists _wres_reject_scans;")
    n_fields = max(n_fields, 1)
    # DuckDB's parallel scanner refuses null_padding with quoted line breaks.
    sql = _read_csv_sql(n_fields, False, path.stat().st_size, parallel=False)
    sql = sql.replace("null_padding = false", "null_padding = true")
    marker = BLANK_LINE_MARKER.decode()
    blank = " and ".join(f"coalesce(trim(c{i}), '') = ''" for i in range(n_fields))
    total = con.execute(
        f"select count(*) from ({sql}) where not ({blank}) and c0 is distinct from '{marker}'", [str(path)]
    ).fetchone()[0]
    rejected = con.execute(
        "select count(distinct line) from _wres_rejects "
        f"where not coalesce(starts_with(csv_line, '{marker}') or regexp_full_match(csv_line, '[\\s,\"]*'), false)"
    ).fetchone()[0]
    return max(total + rejected - 1, 0)


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
) -> None:
    """Insert the non-blank records of `_wres_positioned` (header excluded) into the records read one by one."""
    blank_line = landing_files.blank_line(len(header)).decode()

    def field(index: int) -> str:
        # An empty line inside a quoted field was marked like any other (see landing_files): unmark it.
        return f"wres_field(replace(c{index}, '{blank_line}', ''))"

    values = [field(match.positions[c]) if c in match.positions else "null" for c in source.column_names]
    header_names = "[" + ", ".join("'" + h.replace("'", "''") + "'" for h in header) + "]"
    con.execute(
        f"""
        insert into {FILE_RECORDS}
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
            {', '.join(values)}{_answers_sql(source, match, field)}
        from positioned
        """,
        [file_name],
    )


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
    # Its rows are counted with the other files' (`_read_changed`).
    return FileRead(file, content_sha256, normalised.encoding, "loaded", 0, header, match.extra)


# ---------------------------------------------------------------------------------------------------------------
# Reading clean files together


def _answers_sql(source: Source, match: HeaderMatch, field) -> str:
    """The survey answers of a record, a map from question column to `field(index)` (nothing for other sources)."""
    if not source.has_questions:
        return ""
    entries = ", ".join(f"('{q}', {field(i)})" for q, i in match.questions.items())
    return f", map_from_entries([{entries}])::{ANSWERS_TYPE}"


def _scan_clean_group(
    con: duckdb.DuckDBPyConnection, source: Source, group: list[tuple[LandingFile, str, str]],
    shape: landing_files.CleanShape, match: HeaderMatch, number: int,
) -> tuple[list[str], list[LandingFile], str | None]:
    """Read clean files with the same header in one DuckDB scan, kept as the temporary table `_wres_scan_<number>`.

    Returns the names of the files read; the files in which DuckDB rejected a record: they go to the per-file
    path (which positions rejected records, and reads them sequentially: DuckDB's parallel reader may lose
    records of a file with many rejects); and a query of the other files' records (the columns of the new
    records), computed where it is read: copying 9.6 million national staff-in-post records into a table of
    their own took 12.7 s. The line end is left to DuckDB to detect: given `new_line = '\\r\\n'`, DuckDB 1.5
    misreads the end of a CRLF file."""
    n_fields = len(shape.header)
    columns = "{" + ", ".join(f"'c{i}': 'varchar'" for i in range(n_fields)) + "}"
    paths = [str(file.path) for file, _sha, _encoding in group]
    scan, files = f"_wres_scan_{number}", f"_wres_group_files_{number}"
    with _transaction(con):
        con.execute("drop table if exists _wres_rejects; drop table if exists _wres_reject_scans;")
        con.execute(
            f"""
            create or replace temp table {scan} as
            select file_index as _file_index, * from read_csv(
                ?, header = false, auto_detect = false, columns = {columns},
                delim = ',', quote = '"', escape = '"',
                strict_mode = true, null_padding = false,
                store_rejects = true, rejects_table = '_wres_rejects', rejects_scan = '_wres_reject_scans'
            )""",
            [paths],
        )
        with_rejects = {
            row[0] for row in con.execute(
                "select distinct scans.file_path from _wres_rejects as rejects "
                "inner join _wres_reject_scans as scans using (scan_id, file_id)"
            ).fetchall()
        }
    redo = [file for file, _sha, _encoding in group if str(file.path) in with_rejects]
    clean = [(index, file.file_name) for index, (file, _sha, _encoding) in enumerate(group)
             if str(file.path) not in with_rejects]
    if not clean:
        con.execute(f"drop table {scan}")
        return [], redo, None
    # A file's records are contiguous in the scan, in file order (DuckDB preserves insertion order), so a
    # record's position is its rowid's offset within its file: no sort needed. Files are known by their index
    # in the scan's list (`file_index`), not by their path: 9.6 million paths took 0.7 GB.
    con.execute(
        f"""
        create or replace temp table {files} as
        with clean as (select unnest(?::bigint[]) as file_index, unnest(?::varchar[]) as file_name)
        select clean.file_name, starts.file_index, starts.first_rowid
        from clean
        inner join (
            select _file_index as file_index, min(rowid) as first_rowid from {scan} group by all
        ) as starts using (file_index)
        """,
        [[index for index, _ in clean], [name for _, name in clean]],
    )

    def field(index: int) -> str:
        return f"t{index}"  # the trimmed field, computed once below

    values = [field(match.positions[c]) if c in match.positions else "null" for c in source.column_names]
    trimmed = ", ".join(f"wres_field(c{i}) as t{i}" for i in range(n_fields))
    records = f"""
        with positioned as (
            select files.file_name, scanned.rowid - files.first_rowid + 1 as _ordinal, {trimmed}
            from {scan} as scanned
            inner join {files} as files on files.file_index = scanned._file_index
        )
        select file_name as _file_name, _ordinal as _line_number, null::varchar as _structural_column,
            null::varchar as _structural_reason, {', '.join(values)}{_answers_sql(source, match, field)}
        from positioned
        where _ordinal > 1 and coalesce({', '.join(f't{i}' for i in range(n_fields))}) is not null
    """
    return [file_name for _path, file_name in clean], redo, records


# ---------------------------------------------------------------------------------------------------------------
# Rebuilding a source's tables from its records, for some organisations or all


def _organisation_key(column: str = "organisation_code") -> str:
    """The organisation a record belongs to ('' for a record without one, e.g. a structural error)."""
    return f"coalesce(upper({column}), '')"


def _kept_tables(source: Source) -> list[str]:
    """The tables that keep the source's records: its loaded rows, its held rows and its text records."""
    return [f"raw.{source.name}", _held_table(source), _records_table(source)]


def _record_organisations(con: duckdb.DuckDBPyConnection, tables: list[str], file_names: list[str]) -> set[str]:
    """The organisations of the records of `file_names` in `tables` ('' for a record without one)."""
    if not file_names:
        return set()
    union = " union ".join(
        f"select distinct {_organisation_key()} from {table} where _file_name in (select unnest($files::varchar[]))"
        for table in tables
    )
    return {row[0] for row in con.execute(union, {"files": file_names}).fetchall()}


def _due_organisations(con: duckdb.DuckDBPyConnection, source: Source, run_date: dt.date) -> set[str]:
    """Organisations with a row quarantined by a rule that depends on the day of the run (a snapshot dated in
    the future) that the day of this run no longer breaks: validated again, so the row loads once its day has
    come (and the organisation is not validated again on the runs before it)."""
    due: set[str] = set()
    for rule in (rule for rule in source.rules if ":run_date" in rule.fails):
        due |= {
            row[0] for row in con.execute(
                f"""
                select distinct coalesce(organisation_code, '') from {_held_table(source)}
                semi join (
                    select file_name as _file_name, line_number as _line_number from raw.quarantine
                    where source = ? and reason = ?
                ) as quarantined using (_file_name, _line_number)
                where not coalesce({fails_sql(rule, run_date)}, false)
                """,
                [source.name, rule.reason],
            ).fetchall()
        }
    return due


def _scopes(organisations: set[str] | None) -> tuple[str, str]:
    """Conditions on text records and on typed rows (whose codes are upper case already): in the organisations
    (`_wres_scope`) validated this load."""
    if organisations is None:
        return "true", "true"
    return (f"{_organisation_key()} in (select organisation from _wres_scope)",
            "coalesce(organisation_code, '') in (select organisation from _wres_scope)")


def _validate(
    con: duckdb.DuckDBPyConnection, source: Source, run_date: dt.date, organisations: set[str] | None,
    replaced_files: list[str],
) -> None:
    """Validate the records of `organisations` (all when None) into `_wres_validated` and `_wres_ranked`: what
    the source keeps of them, those of `replaced_files` taken from the new records."""
    con.execute("create or replace temp table _wres_scope as select unnest(?::varchar[]) as organisation",
                [sorted(organisations or [])])
    con.execute("create or replace temp table _wres_replaced_files as select unnest(?::varchar[]) as file_name",
                [replaced_files])
    scope, typed_scope = _scopes(organisations)
    kept = "_file_name not in (select file_name from _wres_replaced_files)"
    records = f"""(
        select * from {_records_table(source)} where {scope} and {kept}
        union all
        select * from {NEW_RECORDS} where {scope}
    )"""
    columns = f"{output_columns_sql(source)}{', answers' if source.has_questions else ''}, _file_name, _line_number"
    typed_rows = f"""(
        select {columns} from raw.{source.name} where {typed_scope} and {kept}
        union all
        select {columns} from {_held_table(source)} where {typed_scope} and {kept}
    )"""
    con.execute(
        f"create or replace temp table _wres_validated as {validated_sql(source, records, typed_rows, run_date)}"
    )
    # Duplicate keys are few: rank only the rows whose key repeats (no sort of the whole source).
    keys = key_sql(source)
    con.execute(
        f"""
        create or replace temp table _wres_ranked as
        with repeated as (
            select {keys} from _wres_validated where _error is null group by {keys} having count(*) > 1
        )
        select
            _file_name, _line_number,
            row_number() over by_key as _rank,
            first_value(_file_name) over by_key as _first_file,
            first_value(_line_number) over by_key as _first_line
        from _wres_validated
        semi join repeated using ({keys})
        where _error is null
        window by_key as (partition by {keys} order by _file_name, _line_number)
        """
    )


def _replace(con: duckdb.DuckDBPyConnection, source: Source, organisations: set[str] | None) -> None:
    """Replace what the source keeps of `organisations` (all when None), and their quarantine rows, from the
    temporary tables of `_validate` (every record of the files read is in them); then recount the load log."""
    name = source.name
    scope, typed_scope = _scopes(organisations)
    answers = ", _answers" if source.has_questions else ""
    con.execute(f"delete from {_records_table(source)} where {scope}")
    con.execute(
        f"""
        insert into {_records_table(source)}
        select _file_name, _line_number, _structural_column, _structural_reason, {record_columns_sql(source)}{answers}
        from _wres_validated where not _typed
        """
    )
    # The loaded rows: valid, less the few later repeats of a key (an anti join with a small table, not a
    # semi join with a table of every loaded row); the held rows: typed, and quarantined or a repeat.
    repeats = "(select _file_name, _line_number from _wres_ranked where _rank > 1)"
    typed = f"{output_columns_sql(source)}{answers.replace('_answers', '_answers as answers')}, _file_name, _line_number"
    con.execute(f"delete from raw.{name} where {typed_scope}")
    con.execute(
        f"""
        insert into raw.{name} by name
        select {typed}
        from _wres_validated anti join {repeats} using (_file_name, _line_number)
        where _error is null
        """
    )
    con.execute(f"delete from {_held_table(source)} where {typed_scope}")
    con.execute(
        f"""
        insert into {_held_table(source)} by name
        select {typed} from _wres_validated where _typed and _error is not null
        union all
        select {typed} from _wres_validated semi join {repeats} using (_file_name, _line_number)
        """
    )
    key_names = ", ".join(source.key)
    con.execute(
        f"delete from raw.quarantine where source = ? and (line_number is null or {scope})", [name]
    )
    con.execute(
        f"""
        insert into raw.quarantine
        select ?, _file_name, _line_number, _error.column, _error.reason, organisation_code
        from _wres_validated where _error is not null
        union all
        select ?, ranked._file_name, ranked._line_number, '{source.identifier}',
            'duplicate key ({key_names}): first loaded from ' || _first_file || ' line ' || _first_line,
            validated.organisation_code
        from _wres_ranked as ranked
        inner join _wres_validated as validated using (_file_name, _line_number)
        where _rank > 1
        union all
        select ?, file_name, null, rejected_column, message, null
        from raw.file_versions where source = ? and status = 'rejected'
        """,
        [name, name, name, name],
    )
    con.execute("delete from raw.load_log where source = ?", [name])
    con.execute(
        f"""
        insert into raw.load_log
        with loaded as (
            select _file_name as file_name, count(*) as rows_loaded
            from raw.{name} group by all
        ),
        quarantined as (
            select file_name, count(*) as rows_quarantined
            from raw.quarantine where source = ? and line_number is not null group by all
        )
        select
            v.source, v.file_name, v.content_sha256, v.rows_read,
            case when v.status = 'loaded' then coalesce(loaded.rows_loaded, 0) else 0 end,
            case when v.status = 'loaded' then coalesce(quarantined.rows_quarantined, 0) else v.rows_read end,
            v.encoding, v.loaded_at, v.status, nullif(array_to_string(v.extra_columns, '|'), ''), v.message
        from raw.file_versions as v
        left join loaded on loaded.file_name = v.file_name
        left join quarantined on quarantined.file_name = v.file_name
        where v.source = ?
        """,
        [name, name],
    )


def note_pending(con: duckdb.DuckDBPyConnection, source: Source, organisations: set[str] | None) -> None:
    """List the organisations whose rows this load changed (None: all of them, noted as '*') for dbt."""
    codes = ["*"] if organisations is None else sorted(code for code in organisations if code)
    con.execute(
        """
        insert into raw.pending_organisations
        select ?, code from unnest(?::varchar[]) as codes(code)
        except
        select source, organisation_code from raw.pending_organisations
        """,
        [source.name, codes],
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
             present: set[str], changed_organisations: set[str] | None, organisations_read: set[str]) -> SourceLoad:
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
        changed_organisations=changed_organisations,
        organisations_read=sorted(code for code in organisations_read if code),
    )


def _current_hashes(con: duckdb.DuckDBPyConnection, source: Source, files: list[LandingFile],
                    seen: Mapping[str, tuple[StatKey, str]]) -> dict[str, str]:
    """Each file's content hash: from the stat cache (else from `seen`) when the file's stat is unchanged, else by
    hashing it."""
    cached = {
        row[0]: (tuple(row[1:5]), row[5]) for row in con.execute(
            "select file_name, size, mtime_ns, ctime_ns, inode, content_sha256 from raw.landing_file_stats "
            "where source = ?", [source.name],
        ).fetchall()
    }
    hashes, stats = {}, []
    for file in files:
        key = landing_files.stat_key(file.path)
        known = [sha for stat, sha in filter(None, (cached.get(file.file_name), seen.get(file.file_name)))
                 if stat == key]
        hashes[file.file_name] = known[0] if known else landing_files.sha256_file(file.path)
        stats.append([source.name, file.file_name, *key, hashes[file.file_name]])
    con.execute("delete from raw.landing_file_stats where source = ?", [source.name])
    if stats:  # one statement: DuckDB's executemany costs about 0.7 ms a row (1,335 files of staff in post)
        columns = [list(column) for column in zip(*stats)]
        con.execute(
            "insert into raw.landing_file_stats select unnest(?::varchar[]), unnest(?::varchar[]), "
            "unnest(?::bigint[]), unnest(?::bigint[]), unnest(?::bigint[]), unnest(?::bigint[]), unnest(?::varchar[])",
            columns,
        )
    return hashes


def _record_versions(con: duckdb.DuckDBPyConnection, source: Source, reads: list[FileRead],
                     loaded_at: dt.datetime) -> None:
    """Record the file versions read: a loaded version replaces every earlier version of its file, a rejected one
    only an earlier rejection (the loaded version, if any, stays). One statement each (1,335 files nationally)."""
    loaded = [read.file.file_name for read in reads if read.status == "loaded"]
    rejected = [read.file.file_name for read in reads if read.status != "loaded"]
    con.execute(
        "delete from raw.file_versions where source = ? and (file_name in (select unnest(?::varchar[])) "
        "or (status = 'rejected' and file_name in (select unnest(?::varchar[]))))",
        [source.name, loaded, rejected],
    )
    if not reads:
        return
    columns = list(zip(*[
        (read.file.file_name, read.content_sha256, read.encoding, read.status, read.rows_read, read.header_columns,
         read.extra_columns, read.rejected_column, read.message)
        for read in reads
    ]))
    con.execute(
        """
        insert into raw.file_versions
        select ?, unnest(?::varchar[]), unnest(?::varchar[]), unnest(?::varchar[]), unnest(?::varchar[]),
            unnest(?::bigint[]), ?, unnest(?::varchar[][]), unnest(?::varchar[][]), unnest(?::varchar[]),
            unnest(?::varchar[])
        """,
        [source.name, *[list(column) for column in columns[:5]], loaded_at, *[list(column) for column in columns[5:]]],
    )


def _read_one(
    con: duckdb.DuckDBPyConnection, source: Source, file: LandingFile, workdir: Path
) -> FileRead:
    """The per-file path: normalise, parse with positions, insert the records (or reject the file)."""
    read = read_file(con, source, file, file.path.read_bytes(), workdir)
    if read.status == "loaded" and read.header_columns:
        _insert_records(con, source, file.file_name, match_header(source, read.header_columns), read.header_columns)
    return read


def _read_changed(
    con: duckdb.DuckDBPyConnection, source: Source, changed: list[LandingFile], hashes: dict[str, str],
    workdir: Path,
) -> tuple[list[FileRead], set[str]]:
    """Read every new or changed file (clean files with the same header together, the others one by one) and
    create the view of their records, `NEW_RECORDS`. Returns the reads and the organisations of the records."""
    groups: dict[landing_files.CleanShape, list[tuple[LandingFile, str, str]]] = {}
    one_by_one: list[LandingFile] = []
    for file in changed:
        shape = landing_files.clean_shape(file.path.read_bytes(), quoted_line_breaks=True)
        if shape is not None and not match_header(source, list(shape.header)).missing_required:
            groups.setdefault(shape, []).append((file, hashes[file.file_name], shape.encoding))
        else:
            one_by_one.append(file)
    reads: list[FileRead] = []
    queries = [f"select * from {FILE_RECORDS}"]
    for number, (shape, group) in enumerate(groups.items()):
        match = match_header(source, list(shape.header))
        read_names, redo, records = _scan_clean_group(con, source, group, shape, match, number)
        reads += [
            FileRead(file, sha, encoding, "loaded", 0, list(shape.header), match.extra)
            for file, sha, encoding in group if file.file_name in read_names
        ]
        queries += [records] if records else []
        one_by_one += redo
    con.execute(_records_ddl(source, FILE_RECORDS, temporary=True))
    reads += [_read_one(con, source, file, workdir) for file in sorted(one_by_one, key=lambda f: f.file_name)]
    con.execute(f"create or replace temp view {NEW_RECORDS} as "
                + " union all ".join(f"select * from ({query})" for query in queries))
    # The records of each file and their organisations, in one pass over the scans.
    counts: dict[str, int] = {}
    organisations: set[str] = set()
    for file_name, organisation, records in con.execute(
        f"select _file_name, {_organisation_key()}, count(*) from {NEW_RECORDS} group by all"
    ).fetchall():
        counts[file_name] = counts.get(file_name, 0) + records
        organisations.add(organisation)
    for read in reads:
        if read.status == "loaded":
            read.rows_read = counts.get(read.file.file_name, 0)
    return sorted(reads, key=lambda read: read.file.file_name), organisations


def _drop_temporary(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables and view of a load."""
    scans = con.execute(
        "select table_name from duckdb_tables() where temporary "
        "and (starts_with(table_name, '_wres_scan_') or starts_with(table_name, '_wres_group_files_'))"
    ).fetchall()
    con.execute(f"drop view if exists {NEW_RECORDS}")
    for table in [FILE_RECORDS, "_wres_validated", "_wres_ranked", *(row[0] for row in scans)]:
        con.execute(f"drop table if exists {table}")


def load_source(
    con: duckdb.DuckDBPyConnection, source: Source, landing_dir: Path, seeds_dir: Path, run_date: dt.date,
    seen: Mapping[str, tuple[StatKey, str]] | None = None,
) -> SourceLoad:
    """Bring the source's raw tables up to date with its landing folder (see the module docstring). `seen` gives
    file name -> (stat key, content hash) of files hashed before, e.g. by the scan for partitions before the run
    (`landing_changes.seen_hashes`): a file whose stat is unchanged is not hashed again."""
    ensure_schema(con, source)
    create_seed_tables(con, seeds_dir)
    files = landing_files.discover(landing_dir, source.name)
    known_versions, rejected_versions, known_fingerprint = _state(con, source)
    fingerprint = rules_fingerprint(source, seeds_dir)
    current = _current_hashes(con, source, files, seen or {})
    changed = [f for f in files if (f.file_name, current[f.file_name]) not in known_versions]
    # A rejection is stale once the file holds other content again (e.g. changed back to the loaded version).
    stale_rejections = [(name, sha) for name, sha in rejected_versions if name in current and current[name] != sha]
    due = _due_organisations(con, source, run_date)
    present = set(current)
    if not changed and not stale_rejections and not due and fingerprint == known_fingerprint:
        return _summary(con, source, [], True, present, set(), set())

    loaded_at = dt.datetime.now().replace(microsecond=0)
    try:
        # Phase 1, no table the source's readers use: read the changed files into the new records, validate
        # the organisations they touch into temporary tables.
        with tempfile.TemporaryDirectory(prefix="wres-load-") as tmp:
            files_read, after = _read_changed(con, source, changed, current, Path(tmp))
        replaced_files = [read.file.file_name for read in files_read if read.status == "loaded"]
        # A rejected file's records are those of its earlier version, which stay.
        kept_of_rejected = _record_organisations(
            con, _kept_tables(source), [read.file.file_name for read in files_read if read.status != "loaded"]
        )
        before = _record_organisations(con, _kept_tables(source), replaced_files) | kept_of_rejected
        organisations = None if fingerprint != known_fingerprint else before | after | due
        _validate(con, source, run_date, organisations, replaced_files)
        # Phase 2, one transaction: replace the source's tables.
        with _transaction(con):
            for name, sha in stale_rejections:
                con.execute(
                    "delete from raw.file_versions where source = ? and file_name = ? and content_sha256 = ? "
                    "and status = 'rejected'",
                    [source.name, name, sha],
                )
            _record_versions(con, source, files_read, loaded_at)
            _replace(con, source, organisations)
            note_pending(con, source, organisations)
            con.execute("insert or replace into raw.source_state (source, fingerprint, version) values (?, ?, ?)",
                        [source.name, fingerprint, uuid.uuid4().hex])
            fault_point(LOAD_BEFORE_COMMIT)
    finally:
        _drop_temporary(con)
    return _summary(con, source, files_read, False, present, organisations, after | kept_of_rejected)
