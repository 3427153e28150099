"""A run's exports are staged and released as one set."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.lib import release as release_module
from orchestration.lib.release import declare_owned, make_durable, release, staging_dir


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_release_replaces_the_live_set_and_removes_what_the_run_owns_but_did_not_write(tmp_path):
    exports = tmp_path / "exports"
    write(exports / "returns" / "wres_return.csv", "old return")
    write(exports / "returns" / "RX1" / "WRES_RX1_2023.xlsx", "old workbook, still reported")
    write(exports / "returns" / "RX9" / "WRES_RX9_2020.xlsx", "a year no longer reported")
    write(exports / "trends" / "wres_trend.csv", "not written by this run: untouched")
    write(exports / "README.md", "not an export")
    staging = staging_dir(exports, "run-2")
    write(staging / "returns" / "wres_return.csv", "new return")
    write(staging / "returns" / "RX1" / "WRES_RX1_2023.xlsx", "new workbook")
    declare_owned(staging, "workbooks", ["returns/*/WRES_*.xlsx"])
    write(exports / ".staging" / "run-1" / "returns" / "wres_return.csv", "from a run that died")

    released = release(exports, "run-2")

    assert sorted(p.relative_to(exports).as_posix() for p in released) == [
        "returns/RX1/WRES_RX1_2023.xlsx", "returns/wres_return.csv"]
    assert (exports / "returns" / "wres_return.csv").read_text() == "new return"
    assert (exports / "returns" / "RX1" / "WRES_RX1_2023.xlsx").read_text() == "new workbook"
    assert not (exports / "returns" / "RX9").exists()
    assert (exports / "trends" / "wres_trend.csv").read_text() == "not written by this run: untouched"
    assert (exports / "README.md").exists()
    assert not (exports / ".staging").exists()


def test_a_run_that_never_releases_leaves_the_live_set_alone(tmp_path):
    exports = tmp_path / "exports"
    write(exports / "returns" / "wres_return.csv", "live")
    write(staging_dir(exports, "dead-run") / "returns" / "wres_return.csv", "staged, never released")
    assert (exports / "returns" / "wres_return.csv").read_text() == "live"
    release(exports, "next-run")  # nothing staged: only the dead run's staging is cleared
    assert (exports / "returns" / "wres_return.csv").read_text() == "live"
    assert not (exports / ".staging").exists()


def test_the_staged_files_are_made_durable_before_the_first_is_moved(tmp_path, monkeypatch):
    """The writers of staged files do not fsync each one: the release flushes them all before any rename."""
    exports = tmp_path / "exports"
    staging = staging_dir(exports, "run-1")
    write(staging / "returns" / "RX1" / "WRES_RX1_2023.xlsx", "workbook")
    write(staging / "publication" / "charts" / "RX1_wres_trend.png", "chart")
    events = []
    monkeypatch.setattr(release_module, "make_durable",
                        lambda folder, files: events.append(("durable", folder, sorted(f.name for f in files))))
    real_replace = os.replace
    monkeypatch.setattr(release_module.os, "replace",
                        lambda source, target: (events.append(("move", Path(target).name)), real_replace(source, target)))

    release(exports, "run-1")

    assert events[0] == ("durable", staging, ["RX1_wres_trend.png", "WRES_RX1_2023.xlsx"])
    assert sorted(event[1] for event in events[1:]) == ["RX1_wres_trend.png", "WRES_RX1_2023.xlsx"]


def test_make_durable_flushes_without_error(tmp_path):
    write(tmp_path / "a.txt", "bytes")
    make_durable(tmp_path, [tmp_path / "a.txt"])
    make_durable(tmp_path, [])
