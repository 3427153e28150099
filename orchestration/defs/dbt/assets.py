"""Every dbt seed, model and data test as Dagster assets and asset checks, built by one `dbt build` per run.

The assets are partitioned by organisation (`orchestration/defs/partitions.py`), except the all-organisation
marts (`models/marts/benchmark/`: the national benchmark and summary), which are unpartitioned and depend on
every organisation. One `dbt build` per run whatever the number of organisations (`BackfillPolicy.single_run()`):
a full refresh, or an incremental build of the organisations whose rows the loader changed
(`orchestration/lib/rebuild.py`, `dbt_project/macros/rebuild_scope.sql`); Dagster records a materialisation for
each partition of the run, and one for each all-organisation mart. (One asset definition holds both kinds, which
Dagster allows; two, one per kind, would cost a second dbt invocation, about 6 s, in every run. A run of it must
have a partition: `wres build` refuses a landing folder without any organisation code.) After a successful build
of every dbt asset (not a subset chosen in the UI), the organisations it recomputed are no longer pending.

Each table the build made reports its row count (`dagster/row_count`: one `count(*)` per table after the
build, about 30 ms for the whole project; views are not counted, as dagster-dbt does not count them).
"""

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb as duckdb_module
from dagster import (
    AssetExecutionContext,
    AssetMaterialization,
    AssetsDefinition,
    Definitions,
    Failure,
    MetadataValue,
    Output,
    RetryRequested,
)
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets, get_asset_key_for_model
from dagster_duckdb import DuckDBResource

from orchestration.defs.dbt.project import dbt_project_files, ensure_manifest, wres_dbt_project
from orchestration.defs.dbt.runner import DbtRunnerResource
from orchestration.defs.partitions import FULL_REFRESH_TAG, ORGANISATIONS, SINGLE_RUN, WAREHOUSE_POOL
from orchestration.lib.dbt_results import dbt_check_records
from orchestration.lib.quality import describe_failing_rows, record_checks, write_quality_reports
from orchestration.lib.rebuild import finish_rebuild, plan_rebuild, project_fingerprint
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings, load_settings

# The all-organisation marts: the models of models/marts/benchmark/ (their fqn after the project name).
ALL_ORGANISATION_FOLDER = ("marts", "benchmark")
BUILD_ARGS = ["build", "--exclude", "test_type:unit"]
ROW_COUNT = "dagster/row_count"
# A DuckDB lock held by another process (another run, a reader of the working file) is transient: the step is
# tried again after a pause, at most this many times.
LOCK_RETRIES = 3
LOCK_RETRY_SECONDS = 30


class WresDbtTranslator(DagsterDbtTranslator):
    """Asset keys are `<schema>/<name>` (dagster-dbt's default); the group is the layer (staging, marts ...)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "ingest"
        return dbt_resource_props["config"].get("schema") or "dbt"


def counted_relations(manifest: Mapping[str, Any], unique_ids: list[str]) -> dict[str, str]:
    """The relation of every built node whose rows are cheap to count: tables, incremental models and seeds
    (a view would be executed to be counted). By unique id.

    The relation is `schema.identifier`, without dbt's database name (the file's name at parse time: the
    warehouse file may have another)."""
    nodes = manifest.get("nodes", {})
    relations = {}
    for unique_id in unique_ids:
        node = nodes.get(unique_id, {})
        if node.get("resource_type") in ("model", "seed") and \
                node.get("config", {}).get("materialized") in ("table", "incremental", "seed"):
            identifier = node.get("alias") or node["name"]
            relations[unique_id] = f'"{node["schema"]}"."{identifier}"'
    return relations


def row_counts(con: duckdb_module.DuckDBPyConnection, relations: Mapping[str, str]) -> dict[str, int]:
    """`count(*)` of each relation (DuckDB answers a table's count from its metadata); a relation that cannot be
    read (not built: its model failed) is left out."""
    counts = {}
    for unique_id, relation in relations.items():
        try:
            counts[unique_id] = int(con.execute(f"select count(*) from {relation}").fetchone()[0])
        except duckdb_module.Error:
            continue
    return counts


def event_unique_id(event: object) -> str | None:
    """The dbt node of a materialisation event of the dbt stream (None for other events)."""
    if isinstance(event, (Output, AssetMaterialization)):
        value = event.metadata.get("unique_id")
        return str(getattr(value, "value", value)) if value is not None else None
    return None


def with_row_count(event: object, counts: Mapping[str, int]) -> object:
    unique_id = event_unique_id(event)
    if unique_id is None or unique_id not in counts:
        return event
    return event.with_metadata({**event.metadata, ROW_COUNT: MetadataValue.int(counts[unique_id])})


def is_lock_error(message: str) -> bool:
    """A DuckDB file lock held by another process ("Could not set lock on file ...")."""
    return "could not set lock on file" in message.lower()


def run_dbt_build(context: AssetExecutionContext, dbt: DbtRunnerResource, duckdb: DuckDBResource) -> Iterator[Any]:
    """One `dbt build` of the context's selection; record the data tests, count the rows, then report.

    dbt unit tests (hand-computed fixtures of the indicator rules) test the code, not the data: `make test`
    runs them, a production build does not. Every data test's result is recorded with the run's checks
    before the step fails on an error, so `quality/checks.csv` names it and the exports stay blocked. The
    events are reported once dbt has finished (the warehouse is dbt's until then), with row counts."""
    fingerprint = project_fingerprint(dbt_project_files(), PROJECT_ROOT)
    with duckdb.get_connection() as con:
        plan = plan_rebuild(con, fingerprint, forced=context.run.tags.get(FULL_REFRESH_TAG) == "true")
    context.log.info(("Full refresh: " if plan.full_refresh else "Incremental build: ") + plan.reason)
    run = dbt.build(context, BUILD_ARGS + (["--full-refresh"] if plan.full_refresh else []))
    if not run.success and run.error is not None and is_lock_error(run.error):
        raise RetryRequested(max_retries=LOCK_RETRIES, seconds_to_wait=LOCK_RETRY_SECONDS)
    events = list(run.asset_events(context))
    built = [uid for uid in map(event_unique_id, events) if uid]
    with duckdb.get_connection() as con:
        counts = row_counts(con, counted_relations(run.manifest, built))
        records = dbt_check_records(
            run.run_results, run.manifest, describe_failures=lambda relation: describe_failing_rows(con, relation)
        )
        record_checks(con, context.run.run_id, records)
        write_quality_reports(con, load_settings().exports_dir, context.run.run_id)
        if run.success and not context.is_subset:
            finish_rebuild(con, plan, fingerprint)
    for event in events:
        yield with_row_count(event, counts)
    if not run.success:
        failed = [f"{r.target}:{r.check}" for r in records if r.is_blocking_failure]
        raise Failure(
            description="dbt build failed: " + (", ".join(failed) or run.error or "see the dbt log"),
            metadata={"failed_checks": MetadataValue.json(failed)},
        )


def build_dbt_assets(project: DbtProject, manifest: Mapping[str, Any]) -> AssetsDefinition:
    """Every seed, model and data test, partitioned by organisation, built by one `dbt build` per run."""

    @dbt_assets(
        manifest=manifest, project=project, dagster_dbt_translator=WresDbtTranslator(), name="wres_dbt_models",
        partitions_def=ORGANISATIONS, backfill_policy=SINGLE_RUN, pool=WAREHOUSE_POOL,
    )
    def _models(context: AssetExecutionContext, dbt: DbtRunnerResource, duckdb: DuckDBResource) -> Iterator[Any]:
        yield from run_dbt_build(context, dbt, duckdb)

    return _models


def all_organisation_models(manifest: Mapping[str, Any]) -> list[str]:
    """The names of the all-organisation marts: the models of `models/marts/benchmark/`."""
    return sorted(
        node["name"] for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model" and node.get("fqn", [])[1:3] == list(ALL_ORGANISATION_FOLDER)
    )


def build_dbt_definitions(settings: Settings) -> Definitions:
    ensure_manifest(settings)
    project = wres_dbt_project()
    manifest = json.loads(Path(project.manifest_path).read_text())  # read once, for both uses below
    models = build_dbt_assets(project, manifest)
    unpartitioned = {get_asset_key_for_model([models], name) for name in all_organisation_models(manifest)}
    return Definitions(
        assets=[models.map_asset_specs(
            lambda spec: spec.replace_attributes(partitions_def=None) if spec.key in unpartitioned else spec
        )],
        resources={
            "dbt": DbtRunnerResource(project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR))
        },
    )
