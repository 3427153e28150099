"""Export assets: each writes one table of `spec/outputs.md` from the warehouse, atomically; two more write the
return workbooks and the publication trend charts."""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from orchestration.defs.ingest.assets import raw_key
from orchestration.lib.charts import NAMES_RELATION, write_trend_charts
from orchestration.lib.contract import SOURCES
from orchestration.lib.export_tables import (
    PUBLICATION_HEADLINE,
    PUBLICATION_RETURN,
    WRES_HEADLINE,
    WRES_RETURN,
    WRES_TREND,
    ExportTable,
)
from orchestration.lib.publish import remove_stale_temporaries, write_csv, write_parquet
from orchestration.lib.workbook import write_return_workbooks
from orchestration.settings import load_settings

GROUP = "exports"

WRITERS = {"csv": write_csv, "parquet": write_parquet}


def write_export(con, table: ExportTable, exports_dir) -> dict[str, object]:
    """Write every format of one export table; return its metadata (paths written and row count)."""
    remove_stale_temporaries(exports_dir / table.folder)
    for fmt in table.formats:
        WRITERS[fmt](con, table.query(), exports_dir / table.folder / f"{table.name}.{fmt}")
    rows = con.execute(f"select count(*) from {table.relation}").fetchone()[0]
    return {
        "rows": MetadataValue.int(rows),
        "paths": MetadataValue.json([str(exports_dir / p) for p in table.paths()]),
    }


def export_key(table: ExportTable) -> AssetKey:
    return AssetKey(["exports", table.folder, table.name])


def mart_key(relation: str) -> AssetKey:
    """The dbt asset of a warehouse relation `schema.table` (dagster-dbt keys are schema/name)."""
    return AssetKey(relation.split("."))


def build_export_asset(table: ExportTable, deps: list[AssetKey]) -> AssetsDefinition:
    @asset(key=export_key(table), deps=deps, group_name=GROUP, description=table.description,
           kinds={"csv", "parquet"} if "parquet" in table.formats else {"csv"})
    def _export(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        settings = load_settings()
        with duckdb.get_connection() as con:
            metadata = write_export(con, table, settings.exports_dir)
        return MaterializeResult(metadata=metadata)

    return _export


def files_metadata(paths: list[Path]) -> dict[str, object]:
    """The metadata of an asset that writes a set of files: how many, and their paths."""
    return {"files": MetadataValue.int(len(paths)), "paths": MetadataValue.json([str(p) for p in paths])}


def build_workbooks_asset(raw_deps: list[AssetKey]) -> AssetsDefinition:
    @asset(key=AssetKey(["exports", "returns", "workbooks"]), group_name=GROUP, kinds={"excel"},
           deps=[mart_key(WRES_RETURN.relation), mart_key(WRES_HEADLINE.relation),
                 mart_key("marts.rpt_wres_organisation_years"), *raw_deps],
           description="One Excel workbook per organisation and WRES year: the return as a person reads it "
                       "(confidential: exact counts).")
    def _workbooks(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        with duckdb.get_connection() as con:
            written = write_return_workbooks(con, load_settings().exports_dir)
        return MaterializeResult(metadata=files_metadata(written))

    return _workbooks


def build_charts_asset() -> AssetsDefinition:
    @asset(key=AssetKey(["exports", "publication", "charts"]), group_name=GROUP, kinds={"png"},
           deps=[mart_key(PUBLICATION_RETURN.relation), mart_key(PUBLICATION_HEADLINE.relation),
                 mart_key(NAMES_RELATION)],
           description="One trend chart per organisation for board papers, from the publication tables only.")
    def _charts(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        with duckdb.get_connection() as con:
            written = write_trend_charts(con, load_settings().exports_dir)
        return MaterializeResult(metadata=files_metadata(written))

    return _charts


def export_assets() -> list[AssetsDefinition]:
    all_raw = [raw_key(source.name) for source in SOURCES]
    from_marts = [WRES_RETURN, WRES_HEADLINE, PUBLICATION_RETURN, PUBLICATION_HEADLINE, WRES_TREND]
    return [
        *(build_export_asset(table, [mart_key(table.relation)]) for table in from_marts),
        build_workbooks_asset(all_raw),
        build_charts_asset(),
    ]
