"""Organisation partitions: the ingest and indicator assets are partitioned by organisation code.

The partitions are dynamic: a key is added when a new organisation code lands (by the landing sensor, and by
`wres build` before it runs). A run over several organisations is one run over a partition key range
(`BackfillPolicy.single_run()`): dbt runs once, whatever the number of organisations. What is and is not done
per organisation is written in `docs/operations.md`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dagster import AssetExecutionContext, BackfillPolicy, DagsterInstance, DynamicPartitionsDefinition
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.lib.landing_changes import (
    LANDING_CACHE,
    FileState,
    changed_files,
    landing_states,
    organisations_of,
    states_from_json,
    states_to_json,
)
from orchestration.lib.publish import atomic_path

ORGANISATIONS = DynamicPartitionsDefinition(name="organisations")
SINGLE_RUN = BackfillPolicy.single_run()

# Every asset step that opens the warehouse for writing is in this pool; `dagster.yaml` gives it one slot, so
# two queued runs never write the DuckDB file at once.
WAREHOUSE_POOL = "duckdb"
# What the landing folder held, and the code's version, when `wres build` last succeeded, in DAGSTER_HOME.
LAST_BUILD = "wres_last_build.json"
# A run with this tag makes a full refresh of the dbt models (`wres build --full-refresh`, or set in the UI).
FULL_REFRESH_TAG = "wres/full_refresh"


def new_organisations(known: Sequence[str], found: Sequence[str]) -> list[str]:
    """The organisation codes found that are not partitions yet, in order."""
    seen = set(known)
    return [code for code in dict.fromkeys(found) if code not in seen]


def all_organisations_tags(keys: Sequence[str]) -> dict[str, str]:
    """The run tags of one run over every organisation partition (as a single-run backfill of them all)."""
    if not keys:
        raise ValueError("there is no organisation partition")
    return {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}


def add_organisations(instance: DagsterInstance, found: Sequence[str]) -> list[str]:
    """Add a partition for every organisation code found that has none; return every partition key, in the
    partitions' order (the order they were added)."""
    known = instance.get_dynamic_partitions(ORGANISATIONS.name)
    added = new_organisations(known, found)
    if added:
        instance.add_dynamic_partitions(ORGANISATIONS.name, added)
    return [*known, *added]


@dataclass(frozen=True)
class BuildRun:
    """The run `wres build` launches: the organisation partition it is for (None: every organisation, by the
    tags of a partition range), and what to record once it has succeeded (`record_build`)."""

    tags: dict[str, str]
    organisation: str | None
    record: str


def changed_organisation(
    built: Mapping[str, FileState] | None, current: Mapping[str, FileState]
) -> str | None:
    """The one organisation whose landing files changed since the last successful build; None when that is not
    one organisation (no record of a build, no change, several organisations, or a file without any)."""
    if built is None:
        return None
    changes = changed_files(built, current)
    organisations = set().union(*(change.organisations for change in changes)) if changes else set()
    if len(organisations) != 1 or not all(change.organisations for change in changes):
        return None
    return organisations.pop()


def last_build(text: str | None, code_version: str) -> dict[str, FileState] | None:
    """The landing states recorded by the last successful build, if it ran this version of the code."""
    if not text:
        return None
    try:
        record = json.loads(text)
        return states_from_json(record["landing"]) if record.get("code") == code_version else None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def build_run(
    instance: DagsterInstance, landing_dir: Path, code_version: str, full_refresh: bool = False,
    states: Mapping[str, FileState] | None = None,
) -> BuildRun | None:
    """Before `wres build`: a partition for every organisation code of the landing folder, and the run: for the
    one organisation whose files changed since the last successful build with this code, else for every
    organisation (the first build, a change of the code, several organisations, or no change: a refresh). With
    `full_refresh`, every organisation, and the run's dbt build starts from scratch (`FULL_REFRESH_TAG`). None
    when the landing folder holds no organisation code (nothing to build). `states`: the landing folder as
    `landing_states` found it with the instance's `LANDING_CACHE`, when it was scanned already (`wres build` scans
    it beside its set-up: `lib/build.py`, `landing_scan`)."""
    home = Path(instance.root_directory) if instance.root_directory else None
    current = states if states is not None else landing_states(landing_dir, home / LANDING_CACHE if home else None)
    keys = add_organisations(instance, organisations_of(current))
    if not keys:
        return None
    last = home / LAST_BUILD if home else None
    built = last_build(last.read_text(encoding="utf-8") if last and last.exists() else None, code_version)
    organisation = None if full_refresh else changed_organisation(built, current)
    tags = {} if organisation else all_organisations_tags(keys)
    if full_refresh:
        tags[FULL_REFRESH_TAG] = "true"
    record = json.dumps({"code": code_version, "landing": states_to_json(current)}, separators=(",", ":"))
    return BuildRun(tags, organisation, record)


def record_build(instance: DagsterInstance, run: BuildRun) -> None:
    """After a successful `wres build`: what it built from, for the next build's comparison."""
    if instance.root_directory:
        with atomic_path(Path(instance.root_directory) / LAST_BUILD) as temporary:
            temporary.write_text(run.record, encoding="utf-8")


def run_partitions(context: AssetExecutionContext) -> list[str]:
    """The organisation partitions of the running step ([] in a run without partitions)."""
    if context.has_partition_key_range or context.has_partition_key:
        return list(context.partition_keys)
    return []
