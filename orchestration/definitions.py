"""The code location: ingest assets, the dbt project, checks, export assets, one DuckDB warehouse; the landing
sensor and the schedules that run it unattended (`docs/operations.md`)."""

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor
from dagster_duckdb import DuckDBResource

from orchestration.defs.automation.schedules import build_schedules
from orchestration.defs.automation.sensors import RunTargets, build_landing_sensor
from orchestration.defs.bi.assets import bi_assets
from orchestration.defs.checks.assets import expectation_checks
from orchestration.defs.dbt.assets import build_dbt_definitions
from orchestration.defs.exports.assets import build_release_asset, export_assets
from orchestration.defs.ingest.assets import ingest_assets
from orchestration.defs.scorecard.assets import scorecard_assets
from orchestration.lib.contract import SOURCES
from orchestration.settings import Settings, load_settings

BUILD_JOB = "wres_build"


def build_definitions(settings: Settings) -> Definitions:
    settings.export_to_environment()
    staged = [*export_assets(), *bi_assets(), *scorecard_assets()]  # every asset that stages files for the release
    ingest = dict(zip((source.name for source in SOURCES), ingest_assets(), strict=True))
    dbt = build_dbt_definitions(settings)
    exports = [*staged, build_release_asset(staged)]
    # Partitioned (ingest, dbt models) and unpartitioned (all-organisation marts, exports) assets in one job:
    # Dagster allows it as long as every partitioned asset has the same partitions (the organisations).
    job = define_asset_job(BUILD_JOB, selection=AssetSelection.all(), description="Materialise every asset.")
    return Definitions.merge(
        Definitions(
            assets=[*ingest.values(), *exports],
            asset_checks=[*expectation_checks()],
            jobs=[job],
            sensors=[build_landing_sensor(job, RunTargets.from_assets(ingest, [*dbt.assets, *exports]))],
            schedules=build_schedules(job),
            resources={"duckdb": DuckDBResource(database=str(settings.warehouse), connection_config=settings.duckdb_config())},
            executor=in_process_executor,
        ),
        dbt,
    )


defs = build_definitions(load_settings())
