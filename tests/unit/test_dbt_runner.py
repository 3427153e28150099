"""dbt in the step's process (orchestration/defs/dbt/runner.py): the command line, why dbt failed, the
warehouse released after the invocation, the old run folders removed, and the partial-parse file kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.defs.dbt.runner import (
    close_dbt_duckdb,
    dbt_arguments,
    failure_summary,
    keep_partial_parse,
    prune_run_folders,
)


def test_the_command_line_has_the_selection_the_folders_and_no_json_artifacts():
    arguments = dbt_arguments(
        ["build", "--full-refresh"], ["--select", "fqn:*"], project_dir=Path("/p"), profiles_dir=Path("/p"),
        target_path=Path("/p/target/run"), indirect_selection=None, log_level_file=None,
    )
    assert arguments == [
        "build", "--full-refresh", "--select", "fqn:*",
        "--project-dir", "/p", "--profiles-dir", "/p", "--target-path", "/p/target/run", "--log-path", "/p/target/run",
        "--log-level-file", "none", "--no-write-json", "--no-use-colors",
    ]


def test_the_log_file_and_indirect_selection_when_asked_for():
    arguments = dbt_arguments(
        ["build"], [], project_dir=Path("/p"), profiles_dir=Path("/q"), target_path=Path("/t"),
        indirect_selection="empty", log_level_file="debug",
    )
    assert arguments[arguments.index("--log-level-file") + 1] == "debug"
    assert arguments[-2:] == ["--indirect-selection", "empty"]


def test_why_dbt_failed():
    assert failure_summary(RuntimeError("Could not set lock on file"), []) == "Could not set lock on file"
    results = [
        {"unique_id": "model.wres.a", "status": "success", "message": "OK"},
        {"unique_id": "model.wres.b", "status": "error", "message": "Binder Error: no column x"},
        {"unique_id": "test.wres.c", "status": "fail", "message": "Got 2 results"},
        {"unique_id": "model.wres.d", "status": "error", "message": None},
    ]
    assert failure_summary(None, results) == "model.wres.b: Binder Error: no column x\nmodel.wres.d: "
    assert failure_summary(None, results[:1]) is None


def test_the_warehouse_is_released_after_dbt(tmp_path):
    """dbt-duckdb keeps its database open for the life of the process; after closing it another process
    can open the file (as it could when dbt ran as a subprocess)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.duckdb.credentials import DuckDBCredentials
    from dbt.adapters.duckdb.environments import create

    warehouse = tmp_path / "wres.duckdb"
    duckdb.connect(str(warehouse)).close()
    DuckDBConnectionManager._ENV = create(DuckDBCredentials(path=str(warehouse), database="wres", schema="main"))
    DuckDBConnectionManager._ENV.handle()
    opener = [sys.executable, "-c", f"import duckdb; duckdb.connect({str(warehouse)!r}).close()"]
    assert subprocess.run(opener, capture_output=True).returncode != 0  # held by this process

    close_dbt_duckdb()

    assert DuckDBConnectionManager._ENV is None
    assert subprocess.run(opener, capture_output=True).returncode == 0


def test_only_the_newest_run_folders_of_the_step_are_kept(tmp_path):
    folders = []
    for age in range(5):  # wres_dbt_models-run0 is the newest
        folder = tmp_path / f"wres_dbt_models-run{age}-x"
        folder.mkdir()
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))
        folders.append(folder)
    other_step = tmp_path / "other_step-run9-x"
    other_step.mkdir()
    parse_file = tmp_path / "partial_parse.msgpack"
    parse_file.write_text("")

    removed = prune_run_folders(tmp_path, "wres_dbt_models", keep=2)

    assert removed == folders[2:]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "other_step-run9-x", "partial_parse.msgpack", "wres_dbt_models-run0-x", "wres_dbt_models-run1-x",
    ]


def test_the_partial_parse_file_dbt_wrote_is_the_next_invocation_s(tmp_path):
    kept = tmp_path / "target" / "partial_parse.msgpack"
    written = tmp_path / "target" / "wres_dbt_models-run0-x" / "partial_parse.msgpack"
    written.parent.mkdir(parents=True)

    assert not keep_partial_parse(written, kept)  # dbt parsed nothing: nothing written, nothing kept
    assert not kept.exists()

    written.write_bytes(b"parsed with the profile of warehouse A")
    assert keep_partial_parse(written, kept)  # none kept before
    assert kept.read_bytes() == b"parsed with the profile of warehouse A"

    assert not keep_partial_parse(written, kept)  # the same file: left as it is

    written.write_bytes(b"parsed with the profile of warehouse B")
    assert keep_partial_parse(written, kept)
    assert kept.read_bytes() == b"parsed with the profile of warehouse B"
    assert sorted(path.name for path in kept.parent.iterdir()) == ["partial_parse.msgpack", "wres_dbt_models-run0-x"]
