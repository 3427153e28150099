"""The code location loads, and its asset graph is what we expect.

The sorted asset keys and asset checks are compared with a snapshot file, so that an unintended change to the
graph (a renamed model, a hand-written key that no longer connects) shows up as a readable diff. After an
intended change, refresh the snapshot with `WRES_UPDATE_SNAPSHOTS=1 pytest tests/unit/test_definitions.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import AssetKey

from orchestration.definitions import BUILD_JOB, defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


def graph_lines() -> list[str]:
    graph = defs.resolve_asset_graph()
    lines = [f"asset {key.to_user_string()}" for key in sorted(graph.get_all_asset_keys(), key=str)]
    checks = sorted(f"check {c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    return lines + checks


def test_asset_graph_matches_snapshot():
    lines = graph_lines()
    if os.environ.get("WRES_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text("\n".join(lines) + "\n")
    assert lines == SNAPSHOT.read_text().splitlines()


def test_every_dbt_source_is_an_ingest_asset():
    graph = defs.resolve_asset_graph()
    ingest = {key for key in graph.get_all_asset_keys() if key.path[0] == "raw"}
    materialisable = {key for key in ingest if graph.get(key).is_materializable}
    assert ingest == materialisable, f"dbt sources without an ingest asset: {sorted(map(str, ingest - materialisable))}"


def test_exports_depend_on_the_marts_they_write():
    graph = defs.resolve_asset_graph()
    for export, mart in [
        (["exports", "returns", "wres_return"], ["marts", "rpt_wres_return"]),
        (["exports", "returns", "wres_headline"], ["marts", "rpt_wres_headline"]),
        (["exports", "publication", "wres_return"], ["marts", "rpt_publication_wres_return"]),
        (["exports", "trends", "wres_trend"], ["marts", "rpt_wres_trend"]),
    ]:
        assert AssetKey(mart) in graph.get(AssetKey(export)).parent_keys, export


def test_build_job_selects_every_asset():
    job = defs.resolve_job_def(BUILD_JOB)
    assert set(job.asset_layer.executable_asset_keys) == set(defs.resolve_asset_graph().get_all_asset_keys())
