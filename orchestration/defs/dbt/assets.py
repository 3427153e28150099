"""Every dbt seed, model and data test as Dagster assets and asset checks, built by one `dbt build`."""

from collections.abc import Iterator, Mapping
from typing import Any

from dagster import AssetExecutionContext, Definitions
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.dbt.project import dbt_executable, ensure_manifest, wres_dbt_project
from orchestration.settings import DBT_PROJECT_DIR, Settings


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
    def wres_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
        """Seeds, staging, intermediate and mart models with their data tests, in one `dbt build`.

        dbt unit tests (hand-computed fixtures of the indicator rules) test the code, not the data: `make test`
        runs them, a production build does not."""
        yield from dbt.cli(["build", "--exclude", "test_type:unit"], context=context).stream()

    return Definitions(
        assets=[wres_dbt_models],
        resources={
            "dbt": DbtCliResource(
                project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
            )
        },
    )
