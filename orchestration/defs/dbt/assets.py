"""Every dbt seed, model and data test as Dagster assets and asset checks, built by one `dbt build`."""

from collections.abc import Iterator, Mapping
from typing import Any

from dagster import AssetExecutionContext, Definitions, Failure, MetadataValue
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt.project import dbt_executable, ensure_manifest, wres_dbt_project
from orchestration.lib.dbt_results import dbt_check_records
from orchestration.lib.quality import describe_failing_rows, record_checks, write_quality_reports
from orchestration.settings import DBT_PROJECT_DIR, Settings, load_settings


class WresDbtCliResource(DbtCliResource):
    """dbt's CLI resource without the in-process dbt adapter.

    Before every invocation dagster-dbt loads the dbt profile and adapter inside the Dagster process (about
    4 s here) only to fetch column metadata, which this project does not ask for; the dbt subprocess does the
    work either way. (dagster-dbt 0.29: a failure here is already tolerated and the adapter may be None.)
    """

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - see the class docstring
        return None


class WresDbtTranslator(DagsterDbtTranslator):
    """Asset keys are `<schema>/<name>` (dagster-dbt's default); the group is the layer (staging, marts ...)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "ingest"
        return dbt_resource_props["config"].get("schema") or "dbt"


def build_dbt_definitions(settings: Settings) -> Definitions:
    ensure_manifest(settings)
    project = wres_dbt_project()

    @dbt_assets(manifest=project.manifest_path, project=project, dagster_dbt_translator=WresDbtTranslator())
    def wres_dbt_models(context: AssetExecutionContext, dbt: WresDbtCliResource, duckdb: DuckDBResource) -> Iterator[Any]:
        """Seeds, staging, intermediate and mart models with their data tests, in one `dbt build`.

        dbt unit tests (hand-computed fixtures of the indicator rules) test the code, not the data: `make test`
        runs them, a production build does not. Every data test's result is recorded with the run's checks
        before the step fails on an error, so `quality/checks.csv` names it and the exports stay blocked."""
        invocation = dbt.cli(["build", "--exclude", "test_type:unit"], context=context, raise_on_error=False)
        yield from invocation.stream()
        with duckdb.get_connection() as con:
            records = dbt_check_records(
                invocation.get_artifact("run_results.json"),
                invocation.manifest,
                describe_failures=lambda relation: describe_failing_rows(con, relation),
            )
            record_checks(con, context.run_id, records)
            write_quality_reports(con, load_settings().exports_dir, context.run_id)
        if not invocation.is_successful():
            failed = [f"{r.target}:{r.check}" for r in records if r.is_blocking_failure]
            raise Failure(
                description="dbt build failed: " + (", ".join(failed) or "see the dbt log"),
                metadata={"failed_checks": MetadataValue.json(failed)},
            )

    return Definitions(
        assets=[wres_dbt_models],
        resources={
            "dbt": WresDbtCliResource(
                project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
            )
        },
    )
