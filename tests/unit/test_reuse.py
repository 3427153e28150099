"""Reusing an export whose inputs did not change (orchestration/lib/reuse.py): drawn the first time, linked from
the live release while its inputs and code are the same, drawn again when either changes."""

from __future__ import annotations

import os
import shutil
import types
from pathlib import Path

from orchestration.lib import reuse as reuse_module
from orchestration.lib.reuse import DIGESTS, Reuse, write_changed


def fake_module(tmp_path: Path, source: str) -> types.ModuleType:
    path = tmp_path / "drawing.py"
    path.write_text(source)
    module = types.ModuleType("drawing")
    module.__file__ = str(path)
    return module


def run(tmp_path: Path, jobs: list[tuple], source: str = "v1") -> tuple[list[str], Reuse]:
    """One run: stage the jobs' files (drawing those that changed), then release the staging folder to live."""
    live, staging = tmp_path / "live", tmp_path / "staging"
    drawn: list[str] = []

    def draw(todo: list[tuple]) -> list[Path]:
        for name, content in todo:
            target = staging / "charts" / f"{name}.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
            drawn.append(name)
        return []

    reuse = Reuse.open("charts", live, staging, [fake_module(tmp_path, source)])
    written = write_changed(reuse, jobs, target_of=lambda job: staging / "charts" / f"{job[0]}.txt",
                            arguments_of=lambda job: job[1:], draw=draw)
    assert sorted(p.name for p in written) == sorted(f"{name}.txt" for name, _ in jobs)
    for staged in sorted(p for p in staging.rglob("*") if p.is_file()):  # the release: a rename per file
        target = live / staged.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
    shutil.rmtree(staging)
    return drawn, reuse


def test_unchanged_inputs_are_reused_changed_ones_drawn(tmp_path):
    assert run(tmp_path, [("R1A", "a"), ("R1B", "b")])[0] == ["R1A", "R1B"]  # nothing released yet
    assert (tmp_path / "live" / DIGESTS / "charts.json").exists()
    drawn, reuse = run(tmp_path, [("R1A", "a"), ("R1B", "b2")])
    assert drawn == ["R1B"] and reuse.reused == 1
    assert (tmp_path / "live" / "charts" / "R1A.txt").read_text() == "a"
    assert (tmp_path / "live" / "charts" / "R1B.txt").read_text() == "b2"


def test_an_unchanged_file_is_staged_as_a_link_to_the_live_one_or_a_copy(tmp_path, monkeypatch):
    live, staging = tmp_path / "live", tmp_path / "staging"
    (live / "charts").mkdir(parents=True)
    (live / "charts" / "R1A.txt").write_text("a")
    reuse_module.link_or_copy(live / "charts" / "R1A.txt", tmp_path / "linked.txt")
    assert os.path.samefile(live / "charts" / "R1A.txt", tmp_path / "linked.txt")

    def no_links(source, target):
        raise OSError("Invalid cross-device link")

    monkeypatch.setattr(reuse_module.os, "link", no_links)
    reuse_module.link_or_copy(live / "charts" / "R1A.txt", tmp_path / "copied.txt")
    assert (tmp_path / "copied.txt").read_text() == "a"
    assert not os.path.samefile(live / "charts" / "R1A.txt", tmp_path / "copied.txt")


def test_a_change_of_the_drawing_code_draws_everything_again(tmp_path):
    run(tmp_path, [("R1A", "a")])
    assert run(tmp_path, [("R1A", "a")], source="v2")[0] == ["R1A"]


def test_a_missing_live_file_or_an_unreadable_record_is_drawn(tmp_path):
    run(tmp_path, [("R1A", "a"), ("R1B", "b")])
    (tmp_path / "live" / "charts" / "R1A.txt").unlink()
    assert run(tmp_path, [("R1A", "a"), ("R1B", "b")])[0] == ["R1A"]
    (tmp_path / "live" / DIGESTS / "charts.json").write_text("not json")
    assert run(tmp_path, [("R1A", "a"), ("R1B", "b")])[0] == ["R1A", "R1B"]


def test_without_a_live_folder_everything_is_drawn(tmp_path):
    staging = tmp_path / "staging"
    reuse = Reuse.open("charts", None, staging, [reuse_module])
    assert reuse.pending(staging / "x.png", (1, "a")) and reuse.pending(staging / "x.png", (1, "a"))


def test_the_digest_follows_every_argument():
    code = "c"
    assert reuse_module.inputs_digest(code, ({"a": 1}, [1.5])) == reuse_module.inputs_digest(code, ({"a": 1}, [1.5]))
    assert reuse_module.inputs_digest(code, ({"a": 1}, [1.5])) != reuse_module.inputs_digest(code, ({"a": 1}, [1.25]))
    assert reuse_module.inputs_digest(code, (1,)) != reuse_module.inputs_digest("d", (1,))
