"""One Dagster asset check per Great Expectations suite of `expectations/` (see its README).

Each suite's check is attached to the assets the suite guards (`meta.guards`): the raw table of its source, or
the marts of the return. It runs the suite's profiles on the warehouse, validates them with GX
(`orchestration.lib.expectations`), records one check row per expectation with the run's other checks, rewrites
the quality reports, and reports one result per guarded asset: passed unless a critical expectation failed;
severity ERROR when a critical one failed, WARN otherwise. Mart suites are blocking (`meta.blocking`), so an
error stops the exports downstream and the previous files stay; source suites only report, the loader having
already enforced the file rules.
"""

from collections.abc import Iterator, Sequence

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetChecksDefinition,
    AssetKey,
    MetadataValue,
    TableColumn,
    TableRecord,
    TableSchema,
    multi_asset_check,
)
from dagster_duckdb import DuckDBResource

from orchestration.lib.expectations import Suite, failed, load_suites, record_row_counts, run_suite
from orchestration.lib.quality import CheckRecord, record_checks, write_quality_reports
from orchestration.settings import load_settings

FAILED_SCHEMA = TableSchema(
    columns=[
        TableColumn("check", "string"),
        TableColumn("target", "string"),
        TableColumn("severity", "string"),
        TableColumn("status", "string"),
        TableColumn("failing_rows", "int"),
        TableColumn("message", "string"),
    ]
)


def check_name(suite: Suite) -> str:
    return f"gx_{suite.name}"


def suite_outcome(records: Sequence[CheckRecord]) -> tuple[bool, AssetCheckSeverity, str]:
    """passed, severity and a one-line description of a suite's records."""
    problems = failed(records)
    errors = [r for r in problems if r.severity == "error"]
    warnings = [r for r in problems if r.severity == "warn"]
    description = (
        f"{len(records)} expectations: {len(records) - len(problems)} passed, {len(errors)} failed (error), "
        f"{len(warnings)} failed (warning)"
    )
    if errors:
        description += ". " + "; ".join(r.message for r in errors[:3])
    return not errors, AssetCheckSeverity.ERROR if errors else AssetCheckSeverity.WARN, description


def suite_check_results(suite: Suite, records: Sequence[CheckRecord]) -> list[AssetCheckResult]:
    """One result per asset the suite guards, with a table of the failed expectations."""
    passed, severity, description = suite_outcome(records)
    problems = failed(records)
    metadata = {
        "suite_file": MetadataValue.path(str(suite.path)),
        "expectations": MetadataValue.int(len(records)),
        "failed_errors": MetadataValue.int(sum(r.severity == "error" for r in problems)),
        "failed_warnings": MetadataValue.int(sum(r.severity == "warn" for r in problems)),
        "failed_expectations": MetadataValue.table(
            records=[
                TableRecord({"check": r.check, "target": r.target, "severity": r.severity, "status": r.status,
                             "failing_rows": r.failing_rows or 0, "message": r.message})
                for r in problems
            ],
            schema=FAILED_SCHEMA,
        ),
    }
    return [
        AssetCheckResult(asset_key=AssetKey.from_user_string(guarded), check_name=check_name(suite), passed=passed,
                         severity=severity, description=description, metadata=metadata)
        for guarded in suite.guards
    ]


def build_suite_check(suite: Suite) -> AssetChecksDefinition:
    specs = [
        AssetCheckSpec(
            check_name(suite),
            asset=AssetKey.from_user_string(guarded),
            description=f"Great Expectations suite {suite.path.name}: {suite.description}",
            blocking=suite.blocking,
            additional_deps=[AssetKey.from_user_string(key) for key in suite.reads],
        )
        for guarded in suite.guards
    ]

    @multi_asset_check(name=check_name(suite), specs=specs, description=suite.description)
    def _suite_check(context: AssetCheckExecutionContext, duckdb: DuckDBResource) -> Iterator[AssetCheckResult]:
        settings, run_id = load_settings(), context.run.run_id
        with duckdb.get_connection() as con:
            records = run_suite(con, suite, run_id=run_id, run_date=settings.run_date)
            record_row_counts(con, suite, run_id, settings.run_date)
            record_checks(con, run_id, records)
            write_quality_reports(con, settings.exports_dir, run_id)
        yield from suite_check_results(suite, records)

    return _suite_check


def expectation_checks() -> list[AssetChecksDefinition]:
    return [build_suite_check(suite) for suite in load_suites()]
