"""Export assets: each writes one table of `spec/outputs.md` from the warehouse; two more write the return
workbooks and the publication trend charts. They all write into the run's staging folder; the release asset,
downstream of all of them, moves the complete set into place (orchestration/lib/release.py)."""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from orchestration.defs.ingest.assets import raw_key
from orchestration.defs.partitions import WAREHOUSE_POOL
from orchestration.lib.charts import CHART_SUFFIX, CHARTS_FOLDER, NAMES_RELATION, write_trend_charts
from orchestration.lib.contract import SOURCES
from orchestration.lib.export_tables import (
    PUBLICATION_HEADLINE,
    PUBLICATION_RETURN,
    WRES_BENCHMARK,
    WRES_HEADLINE,
    WRES_NATIONAL_SUMMARY,
    WRES_RETURN,
    WRES_TREND,
    ExportTable,
)
from orchestration.lib.publish import write_csv, write_parquet
from orchestration.lib.release import declare_owned, release, staging_dir
from orchestration.lib.workbook import write_return_workbooks
from orchestration.settings import load_settings

GROUP = "exports"

WRITERS = {"csv": write_csv, "parquet": write_parquet}


def write_export(con, table: ExportTable, staging: Path, exports_dir: Path) -> dict[str, object]:
    """Stage every format of one export table; return its metadata (row count and the paths it will have)."""
    for fmt in table.formats:
        WRITERS[fmt](con, table.query(), staging / table.path(fmt))
    rows = con.execute(f"select count(*) from {table.relation}").fetchone()[0]
    return {
        "rows": MetadataValue.int(rows),
        "dagster/row_count": MetadataValue.int(rows),  # the row count the Dagster UI shows in its asset views
        "paths": MetadataValue.json([str(exports_dir / p) for p in table.paths()]),
    }


def live_paths(staged: list[Path], staging: Path, exports_dir: Path) -> list[Path]:
    return [exports_dir / p.relative_to(staging) for p in staged]


def export_key(table: ExportTable) -> AssetKey:
    return AssetKey(["exports", table.folder, table.name])


def mart_key(relation: str) -> AssetKey:
    """The dbt asset of a warehouse relation `schema.table` (dagster-dbt keys are schema/name)."""
    return AssetKey(relation.split("."))


def build_export_asset(table: ExportTable, deps: list[AssetKey]) -> AssetsDefinition:
    @asset(key=export_key(table), deps=deps, group_name=GROUP, pool=WAREHOUSE_POOL, description=table.description,
           kinds={"csv", "parquet"} if "parquet" in table.formats else {"csv"})
    def _export(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        exports_dir = load_settings().exports_dir
        with duckdb.get_connection() as con:
            metadata = write_export(con, table, staging_dir(exports_dir, context.run.run_id), exports_dir)
        return MaterializeResult(metadata=metadata)

    return _export


def files_metadata(paths: list[Path]) -> dict[str, object]:
    """The metadata of an asset that writes a set of files: how many, and their paths."""
    return {"files": MetadataValue.int(len(paths)), "paths": MetadataValue.json([str(p) for p in paths])}


def build_workbooks_asset(raw_deps: list[AssetKey]) -> AssetsDefinition:
    @asset(key=AssetKey(["exports", "returns", "workbooks"]), group_name=GROUP, pool=WAREHOUSE_POOL, kinds={"excel"},
           deps=[mart_key(WRES_RETURN.relation), mart_key(WRES_HEADLINE.relation),
                 mart_key("marts.rpt_wres_organisation_years"), *raw_deps],
           description="One Excel workbook per organisation and WRES year: the return as a person reads it "
                       "(confidential: exact counts).")
    def _workbooks(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        exports_dir = load_settings().exports_dir
        staging = staging_dir(exports_dir, context.run.run_id)
        with duckdb.get_connection() as con:
            written = write_return_workbooks(con, staging, exports_dir)
        declare_owned(staging, "workbooks", ["returns/*/WRES_*.xlsx"])
        return MaterializeResult(metadata=files_metadata(live_paths(written, staging, exports_dir)))

    return _workbooks


def build_charts_asset() -> AssetsDefinition:
    @asset(key=AssetKey(["exports", "publication", "charts"]), group_name=GROUP, pool=WAREHOUSE_POOL, kinds={"png"},
           deps=[mart_key(PUBLICATION_RETURN.relation), mart_key(PUBLICATION_HEADLINE.relation),
                 mart_key(NAMES_RELATION)],
           description="One trend chart per organisation for board papers, from the publication tables only.")
    def _charts(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        exports_dir = load_settings().exports_dir
        staging = staging_dir(exports_dir, context.run.run_id)
        with duckdb.get_connection() as con:
            written = write_trend_charts(con, staging, exports_dir)
        declare_owned(staging, "charts", [f"{CHARTS_FOLDER}/*{CHART_SUFFIX}"])
        return MaterializeResult(metadata=files_metadata(live_paths(written, staging, exports_dir)))

    return _charts


def build_release_asset(exports: list[AssetsDefinition]) -> AssetsDefinition:
    @asset(key=AssetKey(["exports", "release"]), group_name=GROUP, pool=WAREHOUSE_POOL,
           deps=[key for export in exports for key in export.keys],
           description="Moves the run's complete set of exports into place: readers see the previous set or "
                       "the new one, never a mix and never a half-written file.")
    def _release(context: AssetExecutionContext) -> MaterializeResult:
        released = release(load_settings().exports_dir, context.run.run_id)
        return MaterializeResult(metadata=files_metadata(released))

    return _release


def export_assets() -> list[AssetsDefinition]:
    """The WRES exports; each stages its files (the release asset, built over every staging asset, moves them)."""
    all_raw = [raw_key(source.name) for source in SOURCES]
    from_marts = [WRES_RETURN, WRES_HEADLINE, PUBLICATION_RETURN, PUBLICATION_HEADLINE, WRES_TREND,
                  WRES_BENCHMARK, WRES_NATIONAL_SUMMARY]
    return [
        *(build_export_asset(table, [mart_key(table.relation)]) for table in from_marts),
        build_workbooks_asset(all_raw),
        build_charts_asset(),
    ]
