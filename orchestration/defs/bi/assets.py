"""Assets for analysts and BI tools (spec outputs.md section 6) and the HTML report. Like every export, each
writes into the run's staging folder and declares the live files it owns; the release asset moves them into
place (orchestration/lib/release.py). The work is in orchestration/lib/bi.py and orchestration/lib/report.py."""

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt.project import MANIFEST
from orchestration.defs.exports.assets import GROUP, export_key, files_metadata, live_paths, mart_key
from orchestration.defs.partitions import WAREHOUSE_POOL
from orchestration.lib.bi import BI_TABLES, write_bi_outputs
from orchestration.lib.bi import owned_patterns as bi_owned_patterns
from orchestration.lib.release import declare_owned, staging_dir
from orchestration.lib.report import READ_RELATIONS, write_reports
from orchestration.lib.report import owned_patterns as report_owned_patterns
from orchestration.settings import load_settings


def build_bi_warehouse_asset() -> AssetsDefinition:
    @asset(key=AssetKey(["exports", "bi", "warehouse"]), group_name=GROUP, pool=WAREHOUSE_POOL,
           kinds={"duckdb", "parquet"},
           # The export tables first: their staged Parquet files are linked, not written again.
           deps=sorted({mart_key(table.relation) for table in BI_TABLES}
                       | {export_key(table.export) for table in BI_TABLES}, key=str),
           description="bi/wres.duckdb (read-only, with the dbt docs as comments), bi/<table>.parquet and the "
                       "Evidence source evidence/sources/wres/: every publication, trend, benchmark and "
                       "scorecard table for analysts and BI tools, never the working warehouse.")
    def _bi_warehouse(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        exports_dir = load_settings().exports_dir
        staging = staging_dir(exports_dir, context.run.run_id)
        with duckdb.get_connection() as con:
            written = write_bi_outputs(con, staging, MANIFEST, staged_exports=staging)
        declare_owned(staging, "bi_warehouse", bi_owned_patterns())
        return MaterializeResult(metadata=files_metadata(live_paths(written, staging, exports_dir)))

    return _bi_warehouse


def build_report_asset() -> AssetsDefinition:
    @asset(key=AssetKey(["exports", "report", "html"]), group_name=GROUP, pool=WAREHOUSE_POOL, kinds={"html"},
           deps=[mart_key(relation) for relation in READ_RELATIONS],
           description="A self-contained HTML report per organisation and WRES year and an index page, from the "
                       "publication tables only (report/<code>/wres_<year>.html, report/index.html).")
    def _report(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
        exports_dir = load_settings().exports_dir
        staging = staging_dir(exports_dir, context.run.run_id)
        with duckdb.get_connection() as con:
            written = write_reports(con, staging, exports_dir)
        declare_owned(staging, "report", report_owned_patterns())
        return MaterializeResult(metadata=files_metadata(live_paths(written, staging, exports_dir)))

    return _report


def bi_assets() -> list[AssetsDefinition]:
    """The BI copy of the warehouse and the HTML report; each stages its files for the release."""
    return [build_bi_warehouse_asset(), build_report_asset()]
