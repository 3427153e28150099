"""Great Expectations suites over small profiles that DuckDB computes (`expectations/README.md`).

A suite file (`expectations/<suite>.yml`) is a Great Expectations (GX Core 1.x) ExpectationSuite written as YAML:
`name`, `meta` and `expectations`. Its `meta.batches` names the profiles ("batches"): each is a SQL query that
DuckDB runs on the warehouse and whose (small) result GX validates as a pandas DataFrame; every expectation's
`meta.batch` names the batch it validates, and its `severity` says what a failure means (`critical` -> an error,
`warning` or `info` -> a warning). No raw table is ever turned into a DataFrame whole: a profile is a sample of
rows, the distinct values of code columns, one row per organisation (and snapshot or year), or the rows that
break a rule. GX's work is the same on ten million rows as on a thousand; the rest is DuckDB aggregating.

Parameters that depend on the run are filled in at run time:
- in a batch's SQL, `$run_id` (this run's id) and `$run_date` (the day of the run, a date);
- in an expectation's kwargs, GX suite parameters `{"$PARAMETER": name}`: `run_date` (a datetime), `run_year`
  (an integer), and `seed_<file>` (the trimmed, lower-cased values of the first column of `seeds/<file>.csv`).
A kwarg `min_value`, `max_value` or `value` written as `YYYY-MM-DD` is read as a date.

A suite whose `meta.record_row_counts` names a batch stores that batch's `organisation_code` and `row_count`
in `quality.row_counts` after it has run (`record_row_counts`), so that the next run compares its counts with
this one's (the batch's SQL reads the previous run's counts from that table).

A batch's results are kept (`quality.batch_results`) and reused by the next run while nothing they depend on has
changed (`batch_inputs`): the raw tables its SQL reads (the loader gives a source a new `version` in
`raw.source_state` at every load that changes it), the batch (its SQL, and how messages name its rows) and its
expectations, the run date and the seeds' values, this module and the GX version. In an incremental build the suites of the sources no file of which
changed are not profiled again. A batch that reads anything else (the marts, the previous run's row counts,
`$run_id`) always runs, and so does one whose last results include an error.

`great_expectations` is imported inside the functions that validate, never at module import: importing it takes
seconds, and the Dagster definitions import this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import yaml

from orchestration.lib.quality import CheckRecord
from orchestration.settings import PROJECT_ROOT, SEEDS_DIR

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.core.expectation_suite import ExpectationSuite

SUITES_DIR = PROJECT_ROOT / "expectations"
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader where PyYAML has it: 10x faster
SUITE_SUFFIXES = (".yml", ".yaml", ".json")

# GX severity -> the severity of the check record (and of the Dagster asset check).
SEVERITY_OF = {"critical": "error", "warning": "warn", "info": "warn"}

# Parameters a batch's SQL may use, as DuckDB named parameters ($run_id, $run_date).
SQL_PARAMETERS = ("run_id", "run_date")
# GX suite parameters an expectation may use besides seed_<file>.
RUN_PARAMETERS = ("run_date", "run_year")
DATE_KWARGS = ("min_value", "max_value", "value")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SQL_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

# How many unexpected values (or profile rows) a message names.
EXAMPLES = 3

BATCH_RESULTS_DDL = """
create schema if not exists quality;
create table if not exists quality.batch_results (
    suite varchar not null,
    batch varchar not null,
    inputs varchar not null,            -- the digest of what the records depend on (batch_inputs)
    records json not null               -- the batch's check records
);
"""
# A relation a batch's SQL reads: `schema.table` after from or join (a CTE's name has no schema).
RELATION = re.compile(r"\b(?:from|join)\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)", re.IGNORECASE)

ROW_COUNTS_DDL = """
create schema if not exists quality;
create table if not exists quality.row_counts (
    run_id varchar not null,
    recorded_at timestamp not null,
    source varchar not null,
    organisation_code varchar,
    row_count bigint not null
);
"""


class SuiteError(ValueError):
    """A suite file that cannot be used: the message names the file and what is wrong."""


@dataclass(frozen=True)
class Batch:
    """One profile of a suite: the SQL DuckDB runs, and how to name its rows in messages."""

    name: str
    sql: str
    description: str
    rows: str  # what one row of the profile is, e.g. "organisation and snapshot"
    target: str  # the asset whose data the profile reads, e.g. "raw/staff_in_post"
    id_columns: tuple[str, ...]  # columns that name a row in messages, before the value (organisation_code ...)
    detail_columns: tuple[str, ...] = ()  # columns shown after the value (e.g. the rows holding a code)


@dataclass(frozen=True)
class Suite:
    """A suite file, read and checked, without Great Expectations (which is imported only to validate)."""

    name: str
    path: Path
    description: str
    guards: tuple[str, ...]  # the assets whose Dagster asset check this suite is (first: the main one)
    reads: tuple[str, ...]  # further assets the batches read (execution dependencies of the check)
    blocking: bool
    record_row_counts: str | None
    batches: Mapping[str, Batch]
    expectations: tuple[Mapping[str, Any], ...]  # GX expectation configurations, as in the file
    document: Mapping[str, Any]  # the whole file, for GX

    @property
    def asset(self) -> str:
        return self.guards[0]

    def expectations_of(self, batch: str) -> list[Mapping[str, Any]]:
        return [e for e in self.expectations if e["meta"]["batch"] == batch]

    def check_names(self) -> list[str]:
        return [check_name(self.name, e) for e in self.expectations]


# ---------------------------------------------------------------------------------------------------------------
# Reading suite files


def _columns(expectation: Mapping[str, Any]) -> list[str]:
    """The batch columns an expectation reads (its column, column_A/column_B or column_list kwargs)."""
    kwargs = expectation.get("kwargs") or {}
    columns = [str(kwargs[k]) for k in ("column", "column_A", "column_B") if k in kwargs]
    return columns + [str(c) for c in kwargs.get("column_list") or []]


def check_name(suite: str, expectation: Mapping[str, Any]) -> str:
    """`<suite>:<expectation type>(<column>)`, or `<suite>:<meta.name>` where the suite gives one."""
    meta = expectation.get("meta") or {}
    if meta.get("name"):
        return f"{suite}:{meta['name']}"
    columns = _columns(expectation)
    return f"{suite}:{expectation['type']}" + (f"({','.join(columns)})" if columns else "")


def _parameter_names(value: Any) -> set[str]:
    """The GX suite parameters ({"$PARAMETER": name}) used anywhere in a kwargs value."""
    if isinstance(value, Mapping):
        if "$PARAMETER" in value:
            return {str(value["$PARAMETER"])}
        return set().union(*(_parameter_names(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_parameter_names(v) for v in value)) if value else set()
    return set()


def _read_document(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        document = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=YAML_LOADER)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise SuiteError(f"{path.name}: not valid {path.suffix[1:].upper()}: {error}") from error
    if not isinstance(document, dict):
        raise SuiteError(f"{path.name}: a suite file holds a mapping (name, meta, expectations)")
    return document


def load_suite(path: Path, seeds_dir: Path = SEEDS_DIR) -> Suite:
    """Read one suite file and check its layout (batches, severities, parameters, unique check names)."""
    document = _read_document(path)
    name = document.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise SuiteError(f"{path.name}: `name` must be a lower-case identifier, not {name!r}")
    meta = document.get("meta") or {}
    guards = tuple(meta.get("guards") or ())
    if not guards or not all(isinstance(g, str) and "/" in g for g in guards):
        raise SuiteError(f"{path.name}: meta.guards must list the asset keys it checks, e.g. raw/staff_in_post")
    batches: dict[str, Batch] = {}
    for batch_name, spec in (meta.get("batches") or {}).items():
        if not isinstance(spec, Mapping) or not str(spec.get("sql") or "").strip():
            raise SuiteError(f"{path.name}: batch {batch_name!r} has no sql")
        unknown = set(SQL_PARAMETER.findall(spec["sql"])) - set(SQL_PARAMETERS)
        if unknown:
            raise SuiteError(f"{path.name}: batch {batch_name!r} uses unknown SQL parameters {sorted(unknown)}")
        batches[batch_name] = Batch(
            name=batch_name,
            sql=spec["sql"].strip(),
            description=str(spec.get("description") or "").strip(),
            rows=str(spec.get("rows") or "rows"),
            target=str(spec.get("target") or guards[0]),
            id_columns=tuple(spec.get("id_columns") or ()),
            detail_columns=tuple(spec.get("detail_columns") or ()),
        )
    if not batches:
        raise SuiteError(f"{path.name}: meta.batches is empty")
    expectations = tuple(document.get("expectations") or ())
    if not expectations:
        raise SuiteError(f"{path.name}: the suite has no expectations")
    known_parameters = set(RUN_PARAMETERS) | {f"seed_{p.stem}" for p in seeds_dir.glob("*.csv")}
    for number, expectation in enumerate(expectations, start=1):
        where = f"{path.name}: expectation {number} ({expectation.get('type')})"
        if not str(expectation.get("type") or "").startswith("expect_"):
            raise SuiteError(f"{where}: `type` must name a GX expectation")
        if (expectation.get("meta") or {}).get("batch") not in batches:
            raise SuiteError(f"{where}: meta.batch must name one of the batches {sorted(batches)}")
        if expectation.get("severity", "critical") not in SEVERITY_OF:
            raise SuiteError(f"{where}: severity must be one of {sorted(SEVERITY_OF)}")
        unknown = _parameter_names(expectation.get("kwargs") or {}) - known_parameters
        if unknown:
            raise SuiteError(f"{where}: unknown suite parameters {sorted(unknown)}")
    names = [check_name(name, e) for e in expectations]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SuiteError(f"{path.name}: check names repeat ({', '.join(repeated)}); give one a meta.name")
    record_row_counts = meta.get("record_row_counts")
    if record_row_counts is not None and record_row_counts not in batches:
        raise SuiteError(f"{path.name}: meta.record_row_counts must name a batch")
    return Suite(
        name=name,
        path=path,
        description=str(meta.get("description") or "").strip(),
        guards=guards,
        reads=tuple(meta.get("reads") or ()),
        blocking=bool(meta.get("blocking", False)),
        record_row_counts=record_row_counts,
        batches=batches,
        expectations=expectations,
        document=document,
    )


def suite_files(directory: Path = SUITES_DIR) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in SUITE_SUFFIXES) if directory.is_dir() else []


def load_suites(directory: Path = SUITES_DIR, seeds_dir: Path = SEEDS_DIR) -> list[Suite]:
    """Every suite of the folder, in file-name order; suite names must be unique."""
    suites = [load_suite(path, seeds_dir) for path in suite_files(directory)]
    names = [s.name for s in suites]
    if len(set(names)) != len(names):
        raise SuiteError(f"suite names repeat in {directory}: {names}")
    return suites


# ---------------------------------------------------------------------------------------------------------------
# Run-time parameters


def seed_values(seed: Path) -> list[str]:
    """The trimmed, lower-cased values of a seed's first column (its code list)."""
    with open(seed, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return sorted({row[0].strip().lower() for row in rows[1:] if row and row[0].strip()})


def suite_parameters(run_date: dt.date, seeds_dir: Path = SEEDS_DIR) -> dict[str, Any]:
    """The GX suite parameters of a run: run_date, run_year and seed_<file> for every seed."""
    parameters: dict[str, Any] = {
        "run_date": dt.datetime.combine(run_date, dt.time()),
        "run_year": run_date.year,
    }
    for seed in sorted(seeds_dir.glob("*.csv")):
        parameters[f"seed_{seed.stem}"] = seed_values(seed)
    return parameters


def _as_date(value: Any) -> Any:
    if isinstance(value, str) and ISO_DATE.match(value):
        return dt.datetime.fromisoformat(value)
    return value


def gx_expectation(expectation: Mapping[str, Any], suite_name: str) -> dict[str, Any]:
    """The expectation as GX reads it: ISO dates in bounds become datetimes; meta.check names the check."""
    kwargs = {k: (_as_date(v) if k in DATE_KWARGS else v) for k, v in (expectation.get("kwargs") or {}).items()}
    return {
        "type": expectation["type"],
        "kwargs": kwargs,
        "meta": {**(expectation.get("meta") or {}), "check": check_name(suite_name, expectation)},
        "severity": expectation.get("severity", "critical"),
        **({"description": expectation["description"]} if expectation.get("description") else {}),
    }


def gx_suite(suite: Suite, batch: str | None = None) -> ExpectationSuite:
    """The suite (or the part of it that validates one batch) as a GX ExpectationSuite.

    GX drops an expectation it cannot build and only logs it; here that is an error naming the expectation."""
    from great_expectations.core.expectation_suite import ExpectationSuite

    chosen = suite.expectations if batch is None else suite.expectations_of(batch)
    configurations = [gx_expectation(e, suite.name) for e in chosen]
    gx = ExpectationSuite(
        name=suite.name if batch is None else f"{suite.name}.{batch}",
        expectations=configurations,
        meta=dict(suite.document.get("meta") or {}),
    )
    built = {e.meta["check"] for e in gx.expectations}
    missing = [c["meta"]["check"] for c in configurations if c["meta"]["check"] not in built]
    if missing:
        raise SuiteError(f"{suite.path.name}: Great Expectations cannot build {', '.join(missing)}")
    return gx


# ---------------------------------------------------------------------------------------------------------------
# Running a suite


def profile(con: duckdb.DuckDBPyConnection, batch: Batch, run_id: str, run_date: dt.date) -> pd.DataFrame:
    """Run a batch's SQL and return its (small) result as a pandas DataFrame."""
    from pandas.api.types import is_extension_array_dtype, is_integer_dtype

    used = set(SQL_PARAMETER.findall(batch.sql))
    values = {"run_id": run_id, "run_date": run_date}
    frame = con.execute(batch.sql, {k: v for k, v in values.items() if k in used}).df()
    for column in frame.columns:
        # A nullable integer (pandas Int64) with a null makes GX's column-pair expectations raise ("boolean value
        # of NA is ambiguous"); as float64 the null is NaN, which every expectation handles.
        dtype = frame[column].dtype
        if is_integer_dtype(dtype) and is_extension_array_dtype(dtype) and frame[column].isna().any():
            frame[column] = frame[column].astype("float64")
    return frame


def _batch_definition() -> BatchDefinition:
    """A GX ephemeral context with one pandas data source whose batches are whole DataFrames (no progress bars)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas("wres_profiles")
    return source.add_dataframe_asset("profile").add_batch_definition_whole_dataframe("whole_profile")


def _exception_messages(exception_info: Any) -> list[str]:
    """GX reports an exception either flat or keyed by metric; return the messages of those raised."""
    if not isinstance(exception_info, Mapping):
        return []
    if "raised_exception" in exception_info:
        return [str(exception_info.get("exception_message"))] if exception_info.get("raised_exception") else []
    return [m for v in exception_info.values() for m in _exception_messages(v)]


def _short(value: Any, limit: int = 60) -> str:
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()  # a numpy scalar
    if value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and value != value):
        return "null"
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))  # a count that pandas holds as a float (because of a null beside it)
    elif isinstance(value, (str, int, float, bool, dt.date)):
        text = str(value)
    else:
        text = json.dumps(value, default=str)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _name_row(row: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_short(v)}" for k, v in row.items())


def _ordered(row: Mapping[str, Any], batch: Batch) -> dict[str, Any]:
    """An unexpected row as a message names it: id columns, the checked value(s), detail columns."""
    first = {c: row[c] for c in batch.id_columns if c in row}
    last = {c: row[c] for c in batch.detail_columns if c in row and c not in first}
    return {**first, **{k: v for k, v in row.items() if k not in first and k not in last}, **last}


def _first_rows(frame: pd.DataFrame, limit: int = EXAMPLES) -> str:
    rows = frame.head(limit).astype(object).where(frame.head(limit).notna(), None).to_dict("records")
    more = " ..." if len(frame) > limit else ""
    return "; ".join(_name_row(r) for r in rows) + more


def describe_result(
    expectation: Mapping[str, Any], success: bool, result: Mapping[str, Any], batch: Batch, frame: pd.DataFrame
) -> tuple[int | None, str]:
    """failing_rows and a readable sentence: what was expected, what was observed, a few unexpected values."""
    description = " ".join(str(expectation.get("description") or expectation["type"].replace("_", " ")).split())
    if "unexpected_count" in result and "element_count" in result:
        checked = int(result["element_count"]) - int(result.get("missing_count") or 0)
        unexpected = int(result["unexpected_count"])
        if checked == 0:
            return 0, f"{description}: no {batch.rows} with a value to check"
        if success and unexpected == 0:
            return 0, f"{description}: all {checked} {batch.rows} pass"
        column = (_columns(expectation) or ["value"])[0]
        examples = result.get("partial_unexpected_index_list") or [
            {column: v} for v in result.get("partial_unexpected_list") or []
        ]
        named = "; ".join(_name_row(_ordered(row, batch)) for row in examples[:EXAMPLES])
        more = " ..." if unexpected > EXAMPLES else ""
        verdict = "within the allowed share" if success else "unexpected"
        return unexpected, f"{description}: {unexpected} of {checked} {batch.rows} {verdict}: {named}{more}"
    if "unexpected_count" in result:  # distinct-value expectations
        unexpected = int(result["unexpected_count"])
        values = ", ".join(_short(v) for v in (result.get("partial_unexpected_list") or [])[:EXAMPLES])
        observed = f"observed {_short(result.get('observed_value'), 200)}" if not unexpected else f"unexpected: {values}"
        return unexpected, f"{description}: {observed}"
    observed = result.get("observed_value")
    shown = f"{len(observed)} values" if isinstance(observed, list) else _short(observed, 300)
    message = f"{description}: observed {shown}"
    details = (result.get("details") or {}).get("mismatched")
    if details:
        message += "; " + "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in details.items() if v)
    must_be_empty = expectation["type"] == "expect_table_row_count_to_equal" and (
        (expectation.get("kwargs") or {}).get("value") == 0
    )
    if must_be_empty and not success:  # the profile is the rows that break the rule: name the first ones
        return int(observed or 0), f"{message}; first {batch.rows}: {_first_rows(frame)}"
    return (0 if must_be_empty else None), message


def _error_records(suite: Suite, batch: Batch, why: str) -> list[CheckRecord]:
    return [
        CheckRecord(
            check=check_name(suite.name, e),
            target=batch.target,
            severity=SEVERITY_OF[e.get("severity", "critical")],
            status="error",
            message=f"batch {batch.name} could not be validated: {why}",
        )
        for e in suite.expectations_of(batch.name)
    ]


def validate_batch(
    suite: Suite,
    batch: Batch,
    frame: pd.DataFrame,
    parameters: Mapping[str, Any],
    batch_definition: BatchDefinition | None = None,
) -> list[CheckRecord]:
    """Validate one profile DataFrame with the suite's expectations on it: one CheckRecord per expectation."""
    definition = batch_definition or _batch_definition()
    result_format: dict[str, Any] = {"result_format": "COMPLETE", "partial_unexpected_count": EXAMPLES}
    id_columns = [c for c in (*batch.id_columns, *batch.detail_columns) if c in frame.columns]
    if id_columns:
        result_format["unexpected_index_column_names"] = id_columns
    validation = definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        gx_suite(suite, batch.name), expectation_parameters=dict(parameters), result_format=result_format
    )
    by_check = {r.expectation_config.meta["check"]: r for r in validation.results}
    records = []
    for expectation in suite.expectations_of(batch.name):
        name = check_name(suite.name, expectation)
        severity = SEVERITY_OF[expectation.get("severity", "critical")]
        missing = [c for c in _columns(expectation) if c not in frame.columns]
        if missing:
            records.append(CheckRecord(name, batch.target, severity, "error", None,
                                       f"column {', '.join(missing)} is not in batch {batch.name}"))
            continue
        outcome = by_check.get(name)
        if outcome is None:
            records.append(CheckRecord(name, batch.target, severity, "error", None, "GX returned no result"))
            continue
        errors = _exception_messages(outcome.exception_info)
        if errors:
            records.append(CheckRecord(name, batch.target, severity, "error", None,
                                       f"the expectation raised an error: {_short(errors[0], 300)}"))
            continue
        failing, message = describe_result(expectation, bool(outcome.success), outcome.result or {}, batch, frame)
        records.append(CheckRecord(name, batch.target, severity, "pass" if outcome.success else "fail",
                                   failing, message))
    return records


def run_suite(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    *,
    run_id: str,
    run_date: dt.date,
    seeds_dir: Path = SEEDS_DIR,
) -> list[CheckRecord]:
    """Run every batch of the suite on the warehouse and validate it, or reuse its kept results (see the module
    docstring): one CheckRecord per expectation, in file order. A batch whose SQL fails (a missing table, say)
    gives status `error` for each of its expectations. Writes only quality.batch_results (and creates
    quality.row_counts, empty, if a row-count batch needs it)."""
    con.execute(BATCH_RESULTS_DDL)
    if suite.record_row_counts:
        con.execute(ROW_COUNTS_DDL)
    parameters = suite_parameters(run_date, seeds_dir)
    versions = source_versions(con)
    definition: BatchDefinition | None = None  # GX is imported for the first batch that is not reused
    records: dict[str, CheckRecord] = {}
    for batch in suite.batches.values():
        if not suite.expectations_of(batch.name):
            continue
        inputs = batch_inputs(suite, batch, parameters, versions, run_date)
        found = kept_records(con, suite, batch, inputs) if inputs else None
        if found is None:
            definition = definition or _batch_definition()
            found = check_batch(con, suite, batch, run_id, run_date, parameters, definition)
            if inputs and not any(r.status == "error" for r in found):
                keep_records(con, suite, batch, inputs, found)
        records.update({r.check: r for r in found})
    return [records[name] for name in suite.check_names()]


def check_batch(
    con: duckdb.DuckDBPyConnection, suite: Suite, batch: Batch, run_id: str, run_date: dt.date,
    parameters: Mapping[str, Any], definition: BatchDefinition,
) -> list[CheckRecord]:
    """Profile one batch and validate it: its expectations' records."""
    try:
        frame = profile(con, batch, run_id, run_date)
    except duckdb.Error as error:
        return _error_records(suite, batch, _short(str(error), 300))
    try:
        return validate_batch(suite, batch, frame, parameters, definition)
    except Exception as error:  # GX raised outside an expectation (e.g. a bad parameter)
        return _error_records(suite, batch, _short(f"{type(error).__name__}: {error}", 300))


# ---------------------------------------------------------------------------------------------------------------
# Reusing a batch's results while its inputs are unchanged


def source_versions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The loader's version of each source's raw tables (`raw.source_state`); none before a first load."""
    try:
        return dict(con.execute("select source, version from raw.source_state where version is not null").fetchall())
    except duckdb.CatalogException:
        return {}


@functools.cache
def _code_version() -> str:
    """What turns a batch's profile into records: this module and Great Expectations."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(importlib.metadata.version("great_expectations").encode())
    return digest.hexdigest()


def batch_inputs(suite: Suite, batch: Batch, parameters: Mapping[str, Any], versions: Mapping[str, str],
                 run_date: dt.date) -> str | None:
    """A digest of everything a batch's records depend on, or None when they cannot be reused: its SQL uses
    `$run_id`, or reads a relation that is not a raw table with a version (`source_versions`)."""
    if "run_id" in SQL_PARAMETER.findall(batch.sql):
        return None
    relations = {(schema.lower(), table.lower()) for schema, table in RELATION.findall(batch.sql)}
    if not relations or any(schema != "raw" or table not in versions for schema, table in relations):
        return None
    payload = {
        "suite": suite.name,
        "batch": asdict(batch),  # its SQL, and how its messages name rows
        "expectations": suite.expectations_of(batch.name),
        "parameters": parameters,
        "run_date": run_date,
        "versions": {table: versions[table] for _schema, table in sorted(relations)},
        "code": _code_version(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def kept_records(con: duckdb.DuckDBPyConnection, suite: Suite, batch: Batch, inputs: str) -> list[CheckRecord] | None:
    """The records kept for the batch with these inputs, if any."""
    row = con.execute(
        "select records from quality.batch_results where suite = ? and batch = ? and inputs = ?",
        [suite.name, batch.name, inputs],
    ).fetchone()
    return None if row is None else [CheckRecord(**record) for record in json.loads(row[0])]


def keep_records(con: duckdb.DuckDBPyConnection, suite: Suite, batch: Batch, inputs: str,
                 records: Sequence[CheckRecord]) -> None:
    """Keep the batch's records for the next run, in place of any kept before."""
    con.execute("delete from quality.batch_results where suite = ? and batch = ?", [suite.name, batch.name])
    con.execute(
        "insert into quality.batch_results values (?, ?, ?, ?)",
        [suite.name, batch.name, inputs, json.dumps([asdict(record) for record in records])],
    )


def record_row_counts(con: duckdb.DuckDBPyConnection, suite: Suite, run_id: str, run_date: dt.date) -> int:
    """Store this run's row counts (`organisation_code`, `row_count` of the suite's row-count batch) in
    quality.row_counts under the suite's name, replacing any stored earlier in the same run. Returns the rows."""
    if not suite.record_row_counts:
        return 0
    con.execute(ROW_COUNTS_DDL)
    batch = suite.batches[suite.record_row_counts]
    frame = profile(con, batch, run_id, run_date)
    now = dt.datetime.now()  # to the microsecond: the latest run is the previous load of the next
    con.execute("delete from quality.row_counts where run_id = ? and source = ?", [run_id, suite.name])
    present = frame[frame["row_count"].notna()]  # an organisation absent from this load is not stored
    codes = present["organisation_code"].tolist()
    counts = [int(count) for count in present["row_count"]]
    # One statement: DuckDB's executemany costs about 0.7 ms a row (210 organisations nationally).
    con.execute(
        "insert into quality.row_counts select ?, ?, ?, unnest(?::varchar[]), unnest(?::bigint[])",
        [run_id, now, suite.name, codes, counts],
    )
    return len(codes)


def failed(records: Sequence[CheckRecord]) -> list[CheckRecord]:
    return [r for r in records if r.status in ("fail", "error")]
