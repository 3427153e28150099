"""The Dagster code location: ingest assets, the dbt project, checks, export assets, one DuckDB warehouse."""

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor
from dagster_duckdb import DuckDBResource

from orchestration.defs.bi.assets import bi_assets
from orchestration.defs.checks.assets import expectation_checks
from orchestration.defs.dbt.assets import build_dbt_definitions
from orchestration.defs.exports.assets import build_release_asset, export_assets
from orchestration.defs.ingest.assets import ingest_assets
from orchestration.defs.scorecard.assets import scorecard_assets
from orchestration.settings import Settings, load_settings

BUILD_JOB = "wres_build"


def build_definitions(settings: Settings) -> Definitions:
    settings.export_to_environment()
    staged = [*export_assets(), *bi_assets(), *scorecard_assets()]  # every asset that stages files for the release
    return Definitions.merge(
        Definitions(
            assets=[*ingest_assets(), *staged, build_release_asset(staged)],
            asset_checks=[*expectation_checks()],
            jobs=[define_asset_job(BUILD_JOB, selection=AssetSelection.all(), description="Materialise every asset.")],
            resources={"duckdb": DuckDBResource(database=str(settings.warehouse), connection_config=settings.duckdb_config())},
            executor=in_process_executor,
        ),
        build_dbt_definitions(settings),
    )


defs = build_definitions(load_settings())
