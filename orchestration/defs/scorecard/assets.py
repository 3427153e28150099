"""The diversity scorecard's exports (spec outputs.md section 5): the scorecard, the PSED workforce profile and
the pay gaps as tables (CSV and Parquet, built like every export table), and one scorecard workbook per
organisation and year. Like every export asset, each writes into the run's staging folder; the release asset
moves the complete set into place (orchestration/lib/release.py). Every file is published (disclosure control is
applied in the marts)."""

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from orchestration.defs.exports.assets import GROUP, build_export_asset, files_metadata, live_paths, mart_key
from orchestration.defs.partitions import WAREHOUSE_POOL
from orchestration.lib.export_tables import DIVERSITY_SCORECARD, PAY_GAPS, PSED_PROFILE
from orchestration.lib.release import declare_owned, staging_dir
from orchestration.lib.scorecard_workbook import (
    ORGANISATIONS_RELATION,
    OWNED_PATTERNS,
    SCORECARD_RELATION,
    write_scorecard_workbooks,
)
from orchestration.settings import load_settings

SCORECARD_TABLES = (DIVERSITY_SCORECARD, PSED_PROFILE, PAY_GAPS)


def build_scorecard_workbooks_asset() -> AssetsDefinition:
    @asset(key=AssetKey(["exports", "scorecard", "workbooks"]), group_name=GROUP, pool=WAREHOUSE_POOL, kinds={"excel"},
           deps=[mart_key(SCORECARD_RELATION), mart_key(ORGANISATIONS_RELATION),
                 AssetKey(["reference", "scorecard_aims"])],
           description="One diversity scorecard workbook per organisation and WRES year, one sheet per aim, "
                       "ratings coloured (published figures).")
    def _scorecard_workbooks(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        exports_dir = load_settings().exports_dir
        staging = staging_dir(exports_dir, context.run.run_id)
        with duckdb.get_connection() as con:
            written = write_scorecard_workbooks(con, staging, exports_dir)
        declare_owned(staging, "scorecard_workbooks", OWNED_PATTERNS)
        return MaterializeResult(metadata=files_metadata(live_paths(written, staging, exports_dir)))

    return _scorecard_workbooks


def scorecard_assets() -> list[AssetsDefinition]:
    """The scorecard exports; each stages its files for the release."""
    return [
        *(build_export_asset(table, [mart_key(table.relation)]) for table in SCORECARD_TABLES),
        build_scorecard_workbooks_asset(),
    ]
