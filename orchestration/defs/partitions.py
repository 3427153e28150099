"""Organisation partitions: the ingest and indicator assets are partitioned by organisation code.

The partitions are dynamic: a key is added when a new organisation code lands (by the landing sensor, and by
`wres build` before it runs). A run over several organisations is one run over a partition key range
(`BackfillPolicy.single_run()`): dbt runs once, whatever the number of organisations. What is and is not done
per organisation is written in `docs/operations.md`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dagster import AssetExecutionContext, BackfillPolicy, DagsterInstance, DynamicPartitionsDefinition
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.lib.landing_changes import landing_organisations

ORGANISATIONS = DynamicPartitionsDefinition(name="organisations")
SINGLE_RUN = BackfillPolicy.single_run()

# Every asset step that opens the warehouse for writing is in this pool; `dagster.yaml` gives it one slot, so
# two queued runs never write the DuckDB file at once.
WAREHOUSE_POOL = "duckdb"
# What `wres build` last saw of the landing folder (files' stat, hash and organisations), in DAGSTER_HOME.
LANDING_CACHE = "wres_landing_organisations.json"


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


def build_run_tags(instance: DagsterInstance, landing_dir: Path) -> dict[str, str] | None:
    """Before `wres build`: a partition for every organisation code of the landing folder, and the tags of one run
    over every partition; None when the landing folder holds no organisation code (nothing to build)."""
    cache = Path(instance.root_directory) / LANDING_CACHE if instance.root_directory else None
    keys = add_organisations(instance, landing_organisations(landing_dir, cache))
    return all_organisations_tags(keys) if keys else None


def run_partitions(context: AssetExecutionContext) -> list[str]:
    """The organisation partitions of the running step ([] in a run without partitions)."""
    if context.has_partition_key_range or context.has_partition_key:
        return list(context.partition_keys)
    return []
