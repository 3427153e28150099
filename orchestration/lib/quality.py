"""The record of data-quality checks, and the quality reports (`spec/outputs.md` section 7).

Every check of a run (the loader's own checks, dbt tests, Great Expectations suites) is recorded in the warehouse
table `quality.check_results`, one row per check and run. After each step that records checks or loads data,
`write_quality_reports` rewrites `quality/load_log.csv`, `quality/quarantine.csv` and `quality/checks.csv`
(atomically), so the reports are complete for everything the run did even when a later step fails and the
export assets do not run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.export_tables import CHECKS, LOAD_LOG, QUARANTINE
from orchestration.lib.publish import write_csv

SEVERITIES = ("error", "warn")
STATUSES = ("pass", "fail", "error", "skipped")

DDL = """
create schema if not exists quality;
create table if not exists quality.check_results (
    run_id varchar not null,
    recorded_at timestamp not null,
    "check" varchar not null,
    target varchar not null,
    severity varchar not null,
    status varchar not null,
    failing_rows bigint,
    message varchar
);
"""


@dataclass(frozen=True)
class CheckRecord:
    """One check's result. `severity` is error or warn; `status` pass, fail, error (the check itself broke) or
    skipped; `failing_rows` the number of offending rows where the check counts them."""

    check: str
    target: str
    severity: str
    status: str
    failing_rows: int | None = None
    message: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")

    @property
    def is_blocking_failure(self) -> bool:
        return self.severity == "error" and self.status in ("fail", "error")


def ensure_quality_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def record_checks(con: duckdb.DuckDBPyConnection, run_id: str, records: list[CheckRecord]) -> None:
    """Store the checks of a run; a check recorded again in the same run replaces its earlier result (and of one
    check given twice, the last is kept). Two statements in all, not two per check."""
    ensure_quality_schema(con)
    latest = list({(r.check, r.target): r for r in records}.values())
    if not latest:
        return
    now = dt.datetime.now().replace(microsecond=0)
    keys = ", ".join(["(?, ?)"] * len(latest))
    con.execute(
        f'delete from quality.check_results where run_id = ? and ("check", target) in (select * from (values {keys}))',
        [run_id, *(value for r in latest for value in (r.check, r.target))],
    )
    rows = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * len(latest))
    con.execute(
        f"insert into quality.check_results values {rows}",
        [value for r in latest for value in (run_id, now, r.check, r.target, r.severity, r.status, r.failing_rows,
                                             r.message or None)],
    )


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_quality_reports(con: duckdb.DuckDBPyConnection, exports_dir: Path, run_id: str) -> list[Path]:
    """Rewrite quality/load_log.csv, quality/quarantine.csv and quality/checks.csv (the checks of `run_id`)."""
    ensure_quality_schema(con)
    written = []
    for table in (LOAD_LOG, QUARANTINE):
        if con.execute(
            "select count(*) from information_schema.tables where table_schema || '.' || table_name = ?",
            [table.relation],
        ).fetchone()[0]:
            target = exports_dir / table.path("csv")
            write_csv(con, table.query(), target)
            written.append(target)
    checks_target = exports_dir / CHECKS.path("csv")
    write_csv(con, CHECKS.query(where=f"run_id = {_sql_literal(run_id)}"), checks_target)
    return written + [checks_target]


def describe_failing_rows(con: duckdb.DuckDBPyConnection, relation: str, limit: int = 10) -> str:
    """The first failing rows a test stored, named by their organisation and year where they have them."""
    cursor = con.execute(f"select * from {relation} limit {limit + 1}")
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    keys = [c for c in ("organisation_code", "wres_year") if c in columns] or columns[:3]
    named = ["; ".join(f"{k}={row[columns.index(k)]}" for k in keys) for row in rows[:limit]]
    return " | ".join(named) + (" | ..." if len(rows) > limit else "")
