"""The landing sensor: a new or changed landing file triggers a run for its source and organisations only.

The cursor holds every landing file's stat key, content hash and organisations (`lib/landing_changes.py`), so
an unchanged file (even one touched) triggers nothing, and the sensor never opens the warehouse. New
organisation codes become partitions in the same tick. Which runs are requested: `plan.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dagster import (
    AssetKey,
    AssetsDefinition,
    JobDefinition,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from orchestration.defs.automation.plan import PlannedRun, plan_runs
from orchestration.defs.partitions import ORGANISATIONS, all_organisations_tags, new_organisations
from orchestration.lib.landing_changes import changed_files, dump_states, load_states, scan_landing
from orchestration.settings import load_settings

SENSOR_NAME = "landing_sensor"
MINIMUM_INTERVAL_SECONDS = 60
RUN_TAGS = {"wres/trigger": "landing_sensor"}


@dataclass(frozen=True)
class RunTargets:
    """The assets a planned run can select: each source's ingest assets, the other partitioned assets (dbt), and
    the unpartitioned all-organisation assets (benchmark marts, exports)."""

    ingest: Mapping[str, tuple[AssetKey, ...]]
    partitioned: tuple[AssetKey, ...]
    all_organisations: tuple[AssetKey, ...]

    @staticmethod
    def from_assets(ingest: Mapping[str, AssetsDefinition], others: Sequence[AssetsDefinition]) -> RunTargets:
        return RunTargets(
            ingest={source: tuple(a.keys) for source, a in ingest.items()},
            partitioned=tuple(s.key for a in others for s in a.specs if s.partitions_def is not None),
            all_organisations=tuple(s.key for a in others for s in a.specs if s.partitions_def is None),
        )


def asset_selection(run: PlannedRun, targets: RunTargets) -> list[AssetKey] | None:
    """The run's assets (None: every asset of the job)."""
    if run.sources is None and run.all_organisation_assets:
        return None
    sources = targets.ingest if run.sources is None else {s: targets.ingest[s] for s in sorted(run.sources)}
    keys = [k for ks in sources.values() for k in ks] + list(targets.partitioned)
    return keys + list(targets.all_organisations) if run.all_organisation_assets else keys


def run_request(run: PlannedRun, targets: RunTargets, partition_keys: Sequence[str]) -> RunRequest:
    """A run of one organisation partition, or of every partition (one run over the whole key range)."""
    if run.organisation is not None:
        return RunRequest(run_key=run.run_key, partition_key=run.organisation, tags=RUN_TAGS,
                          asset_selection=asset_selection(run, targets))
    return RunRequest(run_key=run.run_key, tags={**RUN_TAGS, **all_organisations_tags(partition_keys)},
                      asset_selection=asset_selection(run, targets))


def evaluate_landing(context: SensorEvaluationContext, targets: RunTargets) -> SensorResult:
    previous = load_states(context.cursor)
    current = scan_landing(load_settings().landing_dir, previous or {})
    changes = changed_files(previous or {}, current)
    runs = plan_runs(changes, first_look=not previous)
    known = context.instance.get_dynamic_partitions(ORGANISATIONS.name)
    added = new_organisations(known, sorted(set().union(*(c.organisations for c in changes))))
    keys = [*known, *added]
    cursor = dump_states(current)
    partitions = [ORGANISATIONS.build_add_request(added)] if added else []
    if not runs:
        return SensorResult(skip_reason=SkipReason("no new or changed landing file"), cursor=cursor,
                            dynamic_partitions_requests=partitions)
    if not keys:
        return SensorResult(skip_reason=SkipReason("no organisation code in the landing folder"), cursor=cursor)
    return SensorResult(
        run_requests=[run_request(run, targets, keys) for run in runs],
        dynamic_partitions_requests=partitions,
        cursor=cursor,
    )


def build_landing_sensor(job: JobDefinition | UnresolvedAssetJobDefinition, targets: RunTargets) -> SensorDefinition:
    @sensor(name=SENSOR_NAME, job=job, minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
            description="A new or changed landing file (by content hash) triggers a run for its source and "
                        "organisations; new organisation codes become partitions.")
    def _landing_sensor(context: SensorEvaluationContext) -> SensorResult:
        return evaluate_landing(context, targets)

    return _landing_sensor
