"""One ingest asset per source of `spec/sources.md`: read the landing folder, validate, quarantine, log.

The work is done by `orchestration.lib.loader.load_source`; these assets only wire it to Dagster and turn its
outcome into metadata and asset checks.
"""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from orchestration.lib.contract import SOURCES, Source
from orchestration.lib.loader import SourceLoad, load_source
from orchestration.settings import SEEDS_DIR, load_settings

GROUP = "ingest"


def raw_key(table: str) -> AssetKey:
    return AssetKey(["raw", table])


def tables_written(source: Source) -> list[str]:
    return [source.name, f"{source.name}_answers"] if source.has_questions else [source.name]


def files_table(load: SourceLoad) -> str:
    """The source's files as a Markdown table: what went into this load."""
    lines = ["| file | sha256 | status | read | loaded | quarantined | encoding |", "|---|---|---|---|---|---|---|"]
    for f in load.files:
        lines.append(
            f"| {f['file_name']} | {f['content_sha256'][:12]} | {f['status']} | {f['rows_read']} | "
            f"{f['rows_loaded']} | {f['rows_quarantined']} | {f['encoding'] or ''} |"
        )
    return "\n".join(lines)


def ingest_metadata(load: SourceLoad) -> dict[str, object]:
    return {
        "rows_loaded": MetadataValue.int(load.rows_loaded),
        "rows_quarantined": MetadataValue.int(load.rows_quarantined),
        "files": MetadataValue.int(len(load.files)),
        "files_read_this_run": MetadataValue.json(
            [{"file_name": r.file.file_name, "sha256": r.content_sha256, "status": r.status} for r in load.files_read]
        ),
        "unchanged": MetadataValue.bool(load.unchanged),
        "landing_files": MetadataValue.md(files_table(load)),
    }


def ingest_checks(load: SourceLoad) -> list[AssetCheckResult]:
    """Rejected files fail the run's checks (the error names file and column); every file must reconcile."""
    unbalanced = [
        f["file_name"] for f in load.files if f["rows_read"] != f["rows_loaded"] + f["rows_quarantined"]
    ]
    return [
        AssetCheckResult(
            check_name="no_rejected_files",
            passed=not load.rejected,
            severity=AssetCheckSeverity.ERROR,
            metadata={"rejected": MetadataValue.json(load.rejected)},
            description="; ".join(load.rejected) or "every landing file was accepted",
        ),
        AssetCheckResult(
            check_name="rows_reconcile",
            passed=not unbalanced,
            severity=AssetCheckSeverity.ERROR,
            metadata={"files_not_reconciling": MetadataValue.json(unbalanced)},
        ),
    ]


def build_ingest_asset(source: Source) -> AssetsDefinition:
    primary = raw_key(source.name)
    specs = [
        AssetSpec(raw_key(table), group_name=GROUP, description=source.description, kinds={"duckdb", "csv"})
        for table in tables_written(source)
    ]
    check_specs = [
        AssetCheckSpec("no_rejected_files", asset=primary,
                       description="No landing file of the source was rejected (e.g. a required column missing)."),
        AssetCheckSpec("rows_reconcile", asset=primary,
                       description="For every file: rows read = rows loaded + rows quarantined."),
    ]

    @multi_asset(name=f"ingest_{source.name}", specs=specs, check_specs=check_specs)
    def _ingest(context: AssetExecutionContext, duckdb: DuckDBResource):
        settings = load_settings()
        with duckdb.get_connection() as con:
            load = load_source(con, source, settings.landing_dir, SEEDS_DIR, settings.run_date)
        for message in load.rejected:
            context.log.error(f"rejected landing file {source.name}/{message}")
        metadata = ingest_metadata(load)
        checks = ingest_checks(load)
        for table in tables_written(source):
            yield MaterializeResult(asset_key=raw_key(table), metadata=metadata if table == source.name else {})
        yield from checks

    return _ingest


def ingest_assets() -> list[AssetsDefinition]:
    return [build_ingest_asset(source) for source in SOURCES]
