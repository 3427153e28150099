"""One ingest asset per source of `spec/sources.md`: read the landing folder, validate, quarantine, log.

The work is done by `orchestration.lib.loader.load_source`; these assets only wire it to Dagster, turn its
outcome into metadata and asset checks, and rewrite the quality reports (load log, quarantine, checks), so
that a rejected file is visible in `quality/quarantine.csv` whatever happens later in the run.

The assets are partitioned by organisation (`orchestration/defs/partitions.py`). The loader brings the whole
source up to date whatever the run's partitions (it reads only new or changed files and validates again only
the organisations whose records changed); Dagster records a materialisation for each partition of the run, and
the metadata names the organisations whose files were read (`docs/operations.md`).
"""

from pathlib import Path

import duckdb
from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    AssetsDefinition,
    DagsterInstance,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from orchestration.defs.checks.results import asset_check_result
from orchestration.defs.partitions import ORGANISATIONS, SINGLE_RUN, WAREHOUSE_POOL, run_partitions
from orchestration.lib.contract import SOURCES, Source
from orchestration.lib.landing_changes import LANDING_CACHE, seen_hashes
from orchestration.lib.landing_files import StatKey
from orchestration.lib.loader import SourceLoad, load_source
from orchestration.lib.pseudonymise import update_pseudonyms
from orchestration.lib.quality import CheckRecord, record_checks, write_quality_reports
from orchestration.settings import SEEDS_DIR, load_settings

GROUP = "ingest"
DEVELOPMENT_KEY_WARNING = (
    "WRES_PSEUDONYMISATION_KEY is not set: staff identifiers are pseudonymised with the public development key, "
    "which protects nothing. Set a secret key (and keep it) before loading real data."
)


def raw_key(table: str) -> AssetKey:
    return AssetKey(["raw", table])


def tables_written(source: Source) -> list[str]:
    """The raw tables an ingest asset writes: the source's rows and the pseudonym mapping."""
    tables = [source.name]
    if source.personal_identifiers:
        tables.append(f"{source.name}_pseudonyms")
    return tables


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
    """What went into the source's raw table: row counts. Dagster copies it into the materialisation of every
    partition of the run, so it is kept small; the files are in `files_metadata`."""
    return {
        "dagster/row_count": MetadataValue.int(load.rows_loaded),
        "rows_read": MetadataValue.int(sum(f["rows_read"] for f in load.files)),
        "rows_loaded": MetadataValue.int(load.rows_loaded),
        "rows_quarantined": MetadataValue.int(load.rows_quarantined),
        "files": MetadataValue.int(len(load.files)),
        "unchanged": MetadataValue.bool(load.unchanged),
    }


def files_metadata(load: SourceLoad) -> dict[str, object]:
    """Every landing file of the source with its full content hash and row counts, and the files read this run:
    the metadata of the check `rows_reconcile`, recorded once per run. (On each partition's materialisation
    it cost 12 s of event writing for the national staff in post: 1,335 files, 211 partitions.)"""
    return {
        "landing_file_hashes": MetadataValue.json(
            [
                {key: f[key] for key in ("file_name", "content_sha256", "status", "rows_read", "rows_loaded",
                                         "rows_quarantined")}
                for f in load.files
            ]
        ),
        "files_read_this_run": MetadataValue.json(
            [{"file_name": r.file.file_name, "sha256": r.content_sha256, "status": r.status} for r in load.files_read]
        ),
        "landing_files": MetadataValue.md(files_table(load)),
    }


def ingest_check_records(load: SourceLoad) -> list[CheckRecord]:
    """Rejected files fail (the error names file and column); every file must reconcile."""
    target = raw_key(load.source).to_user_string()
    unbalanced = [
        f["file_name"] for f in load.files if f["rows_read"] != f["rows_loaded"] + f["rows_quarantined"]
    ]
    return [
        CheckRecord(
            check="no_rejected_files",
            target=target,
            severity="error",
            status="fail" if load.rejected else "pass",
            failing_rows=len(load.rejected),
            message="; ".join(load.rejected) or "every landing file was accepted",
        ),
        CheckRecord(
            check="rows_reconcile",
            target=target,
            severity="error",
            status="fail" if unbalanced else "pass",
            failing_rows=len(unbalanced),
            message=("files where rows read <> loaded + quarantined: " + ", ".join(unbalanced)) if unbalanced
            else "rows read = rows loaded + rows quarantined for every file",
        ),
    ]


def table_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of a raw table the ingest asset writes beside the source's own (survey answers, pseudonyms)."""
    return con.execute(f"select count(*) from raw.{table}").fetchone()[0]


def seen_before_run(instance: DagsterInstance, source: Source) -> dict[str, tuple[StatKey, str]]:
    """The hashes of the source's files from the scan `wres build` made before the run (`LANDING_CACHE`): the
    loader does not hash them again while their stat is unchanged (1,335 national staff-in-post files, 1.4 s)."""
    return seen_hashes(Path(instance.root_directory) / LANDING_CACHE, source.name) if instance.root_directory else {}


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

    @multi_asset(name=f"ingest_{source.name}", specs=specs, check_specs=check_specs,
                 partitions_def=ORGANISATIONS, backfill_policy=SINGLE_RUN, pool=WAREHOUSE_POOL)
    def _ingest(context: AssetExecutionContext, duckdb: DuckDBResource):
        settings = load_settings()
        with duckdb.get_connection() as con:
            load = load_source(con, source, settings.landing_dir, SEEDS_DIR, settings.run_date,
                               seen=seen_before_run(context.instance, source))
            new_pseudonyms = update_pseudonyms(con, source, settings.pseudonymisation_key,
                                               load.changed_organisations)
            records = ingest_check_records(load)
            record_checks(con, context.run.run_id, records)
            reports = write_quality_reports(con, settings.exports_dir, context.run.run_id)
            row_counts = {table: table_rows(con, table) for table in tables_written(source)[1:]}
        for message in load.rejected:
            context.log.error(f"rejected landing file {source.name}/{message}")
        if source.personal_identifiers and settings.uses_development_key:
            context.log.warning(DEVELOPMENT_KEY_WARNING)
        metadata = {
            **ingest_metadata(load),
            "new_pseudonyms": MetadataValue.int(new_pseudonyms),
            "run_partitions": MetadataValue.int(len(run_partitions(context))),
            "organisations_read": MetadataValue.json(load.organisations_read),
            "quality_reports": MetadataValue.json([str(p) for p in reports]),
        }
        for table in tables_written(source):
            yield MaterializeResult(
                asset_key=raw_key(table),
                metadata=metadata if table == source.name
                else {"dagster/row_count": MetadataValue.int(row_counts[table])},
            )
        for record in records:
            yield asset_check_result(
                record, record.check, primary, files_metadata(load) if record.check == "rows_reconcile" else None
            )

    return _ingest


def ingest_assets() -> list[AssetsDefinition]:
    return [build_ingest_asset(source) for source in SOURCES]
