"""Export assets: each writes one table of `spec/outputs.md` from the warehouse, atomically."""

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from orchestration.defs.ingest.assets import raw_key
from orchestration.lib.contract import SOURCES
from orchestration.lib.export_tables import (
    LOAD_LOG,
    PUBLICATION_HEADLINE,
    PUBLICATION_RETURN,
    QUARANTINE,
    WRES_HEADLINE,
    WRES_RETURN,
    WRES_TREND,
    ExportTable,
)
from orchestration.lib.publish import remove_stale_temporaries, write_csv, write_parquet
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


def export_assets() -> list[AssetsDefinition]:
    all_raw = [raw_key(source.name) for source in SOURCES]
    from_marts = [WRES_RETURN, WRES_HEADLINE, PUBLICATION_RETURN, PUBLICATION_HEADLINE, WRES_TREND]
    return [
        *(build_export_asset(table, [mart_key(table.relation)]) for table in from_marts),
        build_export_asset(LOAD_LOG, all_raw),
        build_export_asset(QUARANTINE, all_raw),
    ]
