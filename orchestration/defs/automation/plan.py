"""Which runs a change of the landing folder calls for: pure rules, tested without Dagster.

- The first look at a landing folder (no cursor, or an empty folder before) asks for one run of everything for
  every organisation, as `wres build` does: the warehouse may be empty, and every source must be loaded once.
- A new or changed file affects its source and its organisations (those of its new and earlier content).
- Up to `MAX_ORGANISATION_RUNS` organisations: one run per organisation, materialising the changed sources'
  ingest assets and the dbt models for that partition; the last of these runs also refreshes the
  all-organisation assets (benchmark marts, exports), once.
- More organisations (a national file), or a changed file without an organisation code (the loader will reject
  it, and must say so): one run over every organisation, like a backfill of them all (dbt recomputes the
  organisations that changed either way, and one run is cheaper than many).
- An unchanged file (same content hash, even if touched) asks for nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from orchestration.lib.landing_changes import FileChange

MAX_ORGANISATION_RUNS = 3


@dataclass(frozen=True)
class PlannedRun:
    """One run: an organisation partition (None: every organisation), the sources whose ingest assets it
    materialises (None: every source), and whether it refreshes the all-organisation assets."""

    organisation: str | None
    sources: frozenset[str] | None
    all_organisation_assets: bool
    run_key: str


def _run_key(label: str, changes: Sequence[FileChange]) -> str:
    digest = hashlib.sha256("\n".join(f"{c.source}/{c.file_name}:{c.sha256}" for c in changes).encode())
    return f"landing:{label}:{digest.hexdigest()[:16]}"


def plan_runs(changes: Sequence[FileChange], first_look: bool) -> list[PlannedRun]:
    """The runs the landing folder's changes call for (see the module docstring)."""
    if not changes:
        return []
    if first_look:
        return [PlannedRun(None, None, True, _run_key("everything", changes))]
    sources = frozenset(c.source for c in changes)
    organisations = sorted(set().union(*(c.organisations for c in changes)))
    if len(organisations) > MAX_ORGANISATION_RUNS or any(not c.organisations for c in changes):
        return [PlannedRun(None, sources, True, _run_key("all-organisations", changes))]
    runs = []
    for position, organisation in enumerate(organisations, start=1):
        touching = [c for c in changes if organisation in c.organisations]
        runs.append(PlannedRun(
            organisation,
            frozenset(c.source for c in touching),
            position == len(organisations),
            _run_key(organisation, touching),
        ))
    return runs
