"""What `wres build` prints: step lines, the summary table, and the event adapter (hand-made inputs)."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb

from orchestration.lib.progress import (
    BuildProgress,
    CheckCounts,
    CheckResult,
    Materialisation,
    SourceLoadTotals,
    StepResult,
    assets_by_group,
    count_checks,
    number,
    read_check_records,
    read_load_log,
    render_table,
    run_line,
    step_label,
    step_line,
    summary_lines,
)
from orchestration.settings import load_settings


def test_numbers_have_spaced_thousands():
    assert number(7) == "7"
    assert number(41200) == "41 200"
    assert number(1234567) == "1 234 567"


def test_step_labels():
    assert step_label("ingest_staff_in_post") == "ingest staff_in_post"
    assert step_label("wres_dbt_models") == "dbt models"
    assert step_label("wres_dbt_all_organisations") == "dbt all_organisations"
    assert step_label("gx_board") == "expectations gx_board"
    assert step_label("exports__returns__wres_return") == "export returns/wres_return"
    assert step_label("something_else") == "something_else"


def test_an_ingest_step_line_shows_files_rows_quarantined_and_checks():
    step = StepResult(
        "ingest_staff_in_post", "ok", 0.54,
        materialisations=(
            Materialisation("raw/staff_in_post", {"files": 3, "rows_loaded": 41200, "rows_quarantined": 12,
                                                  "unchanged": False}),
            Materialisation("raw/staff_in_post_pseudonyms", {}),
        ),
        checks=(CheckResult("raw/staff_in_post", "no_rejected_files", True),
                CheckResult("raw/staff_in_post", "rows_reconcile", True)),
    )
    assert step_line(12.34, step) == (
        "[   12.3s] ingest staff_in_post ... ok in 0.5s (3 files, 41 200 rows, 12 quarantined, 2 checks)"
    )


def test_a_dbt_step_line_counts_assets_and_names_warnings_and_failures():
    step = StepResult(
        "wres_dbt_models", "ok", 47.06,
        materialisations=tuple(Materialisation(f"marts/m{i}") for i in range(3)),
        checks=(CheckResult("marts/m0", "a", True), CheckResult("marts/m0", "b", False, "WARN"),
                CheckResult("marts/m1", "c", False, "ERROR")),
    )
    assert step_line(80.4, step) == "[   80.4s] dbt models ... ok in 47.1s (3 assets, 3 checks, 1 warned, 1 failed)"


def test_a_partitioned_asset_counts_once_whatever_its_partitions():
    metadata = {"files": 2, "rows_loaded": 100, "rows_quarantined": 1}
    step = StepResult("ingest_board", "ok", 1.0, materialisations=(
        Materialisation("raw/board", metadata), Materialisation("raw/board", metadata),  # two partitions
        Materialisation("raw/board_pseudonyms"), Materialisation("raw/board_pseudonyms")))
    assert step_line(1, step) == "[    1.0s] ingest board ... ok in 1.0s (2 files, 100 rows, 1 quarantined)"
    dbt = StepResult("wres_dbt_models", "ok", 1.0, materialisations=(
        Materialisation("marts/a"), Materialisation("marts/a"), Materialisation("marts/b")))
    assert step_line(1, dbt) == "[    1.0s] dbt models ... ok in 1.0s (2 assets)"


def test_an_export_line_shows_rows_or_files():
    table = StepResult("exports__returns__wres_return", "ok", 0.2,
                       (Materialisation("exports/returns/wres_return", {"rows": 873, "paths": ["a", "b"]}),))
    files = StepResult("exports__publication__charts", "ok", 1.4,
                       (Materialisation("exports/publication/charts", {"files": 2, "paths": ["a", "b"]}),))
    assert step_line(84.1, table) == "[   84.1s] export returns/wres_return ... ok in 0.2s (873 rows)"
    assert step_line(87.3, files) == "[   87.3s] export publication/charts ... ok in 1.4s (2 files)"


def test_a_failed_step_line_shows_the_first_line_of_its_error():
    step = StepResult("wres_dbt_models", "FAILED", None, error="\ndbt build failed: marts/x:unique\nTraceback ...")
    assert step_line(5, step) == "[    5.0s] dbt models ... FAILED: dbt build failed: marts/x:unique"


def test_run_line_names_the_run():
    assert run_line(18.04, "abc") == "[   18.0s] run abc started"


def test_render_table_aligns_numbers_right_and_text_left():
    assert render_table(["source", "rows"], [["board", 56], ["staff_in_post", 41200]]) == [
        "  source           rows",
        "  -------------  ------",
        "  board              56",
        "  staff_in_post  41 200",
    ]


def test_assets_are_counted_once_by_group_in_pipeline_order():
    groups = {"raw/a": "ingest", "marts/b": "marts", "staging/c": "staging", "exports/d": "exports"}
    materialised = ["exports/d", "raw/a", "raw/a", "marts/b", "staging/c", "unknown/e"]
    assert assets_by_group(materialised, groups) == [
        ("ingest", 1), ("staging", 1), ("marts", 1), ("exports", 1), ("other", 1)]


def test_check_records_are_counted_by_outcome_with_names():
    records = [
        ("raw/board", "no_rejected_files", "error", "fail"),
        ("raw/board", "rows_reconcile", "error", "pass"),
        ("marts/cov", "coverage", "warn", "fail"),
        ("marts/x", "broken", "error", "error"),
        ("marts/y", "skipped_one", "warn", "skipped"),
    ]
    assert count_checks(records) == CheckCounts(
        passed=1, warned=1, failed=2, skipped=1, warned_names=("marts/cov:coverage",),
        failed_names=("marts/x:broken", "raw/board:no_rejected_files"))


def test_summary_lines():
    lines = summary_lines(
        success=False,
        elapsed_s=90.04,
        groups=[("ingest", 14), ("marts", 25)],
        checks=CheckCounts(passed=10, warned=1, failed=1, warned_names=("m/c:w",), failed_names=("raw/b:x",)),
        loads=[SourceLoadTotals("board", 1, 0, 61, 56, 5), SourceLoadTotals("training", 4, 1, 300, 283, 17)],
        places=[("BI copy", "/x/bi/wres.duckdb"), ("full log", "/h/logs/b.log")],
        failed_steps=["wres_dbt_models"],
        not_run=["exports__release", "exports__bi__warehouse"],
    )
    assert lines == [
        "",
        "wres build failed in 90.0s",
        "",
        "assets materialised: 39",
        "  group   assets",
        "  ------  ------",
        "  ingest      14",
        "  marts       25",
        "steps failed: 1",
        "  failed: wres_dbt_models",
        "steps not run (an upstream step failed): 2",
        "",
        "checks: 10 passed, 1 warned, 1 failed",
        "  warned: m/c:w",
        "  failed: raw/b:x",
        "",
        "rows in the warehouse (raw.load_log):",
        "  source    files  rejected  rows read  loaded  quarantined",
        "  --------  -----  --------  ---------  ------  -----------",
        "  board         1         0         61      56            5",
        "  training      4         1        300     283           17",
        "  total         5         1        361     339           22",
        "",
        "BI copy:  /x/bi/wres.duckdb",
        "full log: /h/logs/b.log",
    ]
    assert not any("FAILED check" in line for line in lines)  # tests grep build output for that phrase


def test_the_summary_without_a_load_log_says_so():
    lines = summary_lines(success=True, elapsed_s=1, groups=[], checks=CheckCounts(), loads=[], places=[])
    assert "  (no load log)" in lines
    assert "checks: 0 passed, 0 warned, 0 failed" in lines


def test_load_log_and_check_records_are_read_from_the_warehouse(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    assert read_load_log(warehouse) == []  # no warehouse yet
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw; create schema quality")
        assert read_load_log(warehouse) == []  # the warehouse is busy (open read-write): nothing, no error
        con.execute("""create table raw.load_log as select * from (values
            ('board', 'a.csv', 10, 8, 2, 'loaded'), ('board', 'b.csv', 5, 0, 5, 'rejected'),
            ('training', 't.csv', 3, 3, 0, 'loaded')) v(source, file_name, rows_read, rows_loaded,
            rows_quarantined, status)""")
        con.execute("""create table quality.check_results as select * from (values
            ('r1', 'raw/board', 'no_rejected_files', 'error', 'fail'),
            ('r2', 'raw/board', 'rows_reconcile', 'error', 'pass')) v(run_id, target, "check", severity, status)""")
    assert read_load_log(warehouse) == [SourceLoadTotals("board", 1, 1, 15, 8, 7),
                                        SourceLoadTotals("training", 1, 0, 3, 3, 0)]
    assert read_check_records(warehouse, ["r1"]) == [("raw/board", "no_rejected_files", "error", "fail")]
    assert read_check_records(warehouse, []) == []


# The event adapter, with stand-ins for Dagster's event log entries ------------------------------------------


def event(kind: str, step: str | None, data: object = None, run_id: str = "run-1") -> SimpleNamespace:
    return SimpleNamespace(run_id=run_id, dagster_event=SimpleNamespace(
        event_type_value=kind, step_key=step, event_specific_data=data))


def key(path: str) -> SimpleNamespace:
    return SimpleNamespace(to_user_string=lambda: path)


def metadata_value(value: object) -> SimpleNamespace:
    return SimpleNamespace(value=value)


def test_build_progress_prints_a_line_per_finished_step(tmp_path):
    out = io.StringIO()
    ticks = iter([0.0, 2.5, 3.0, 4.0])
    settings = dataclasses.replace(load_settings(), warehouse=tmp_path / "none.duckdb", exports_dir=tmp_path / "x",
                                   dagster_home=tmp_path / "home")
    progress = BuildProgress(settings, {"raw/board": "ingest"}, out=out, clock=lambda: next(ticks))
    materialization = SimpleNamespace(asset_key=key("raw/board"),
                                      metadata={"files": metadata_value(1), "rows_loaded": metadata_value(56),
                                                "rows_quarantined": metadata_value(5)})
    evaluation = SimpleNamespace(asset_key=key("raw/board"), check_name="no_rejected_files", passed=False,
                                 severity=SimpleNamespace(value="ERROR"), description="b.csv rejected")
    for entry in [
        event("PIPELINE_START", None),  # the event type value of Dagster's run start
        event("STEP_START", "ingest_board"),
        event("ASSET_MATERIALIZATION", "ingest_board", SimpleNamespace(materialization=materialization)),
        event("ASSET_CHECK_EVALUATION", "ingest_board", evaluation),
        event("STEP_SUCCESS", "ingest_board", SimpleNamespace(duration_ms=1200.0)),
        event("STEP_FAILURE", "wres_dbt_models", SimpleNamespace(
            user_failure_data=None, error=SimpleNamespace(message="Error occurred while executing op", cause=(
                SimpleNamespace(message="dbt build failed: x\nmore", cause=None))))),
        SimpleNamespace(run_id="run-1", dagster_event=None, step_key=None, user_message="hello"),  # a log message
        SimpleNamespace(run_id="run-1", dagster_event=None, step_key="exports__release",
                        user_message="Dependencies for step exports__release failed: ['x']. Not executing."),
    ]:
        progress.handle(entry)
    assert out.getvalue().splitlines() == [
        "[    2.5s] run run-1 started",
        "[    3.0s] ingest board ... ok in 1.2s (1 file, 56 rows, 5 quarantined, 1 check, 1 failed)",
        "[    4.0s] dbt models ... FAILED: dbt build failed: x",
    ]
    assert progress.not_run == ["exports__release"]


def test_a_bad_event_never_breaks_the_run(tmp_path):
    out = io.StringIO()
    progress = BuildProgress(load_settings(), {}, out=out)
    progress.handle(event("STEP_SUCCESS", "ingest_board", data=None))  # no duration: an AttributeError inside
    assert out.getvalue().startswith("(progress: could not read an event")


QUIET_SCRIPT = """
import dataclasses, os, subprocess, sys
from pathlib import Path
from orchestration.lib.progress import BuildProgress
from orchestration.settings import load_settings

settings = dataclasses.replace(load_settings(), dagster_home=Path(sys.argv[1]))
progress = BuildProgress(settings, {})
with progress.quiet() as log:
    print("dbt says a lot")
    sys.stdout.flush()
    subprocess.run(["echo", "a subprocess writes here"], check=True)
    os.write(2, b"and stderr too\\n")
    print("[    1.0s] a step line", file=progress.out, flush=True)
print("the terminal again")
print(log)
"""


def test_quiet_sends_the_run_output_to_the_log_file_and_step_lines_to_the_terminal(tmp_path):
    completed = subprocess.run([sys.executable, "-c", QUIET_SCRIPT, str(tmp_path / "home")], capture_output=True,
                               text=True, check=True, cwd=Path(__file__).resolve().parents[2])
    terminal = completed.stdout.splitlines()
    log = Path(terminal[-1])
    assert log.parent == tmp_path / "home" / "logs"
    assert terminal[:-1] == ["[    1.0s] a step line", "the terminal again"]
    assert completed.stderr == ""
    assert log.read_text().splitlines() == ["dbt says a lot", "a subprocess writes here", "and stderr too"]


def test_quiet_under_a_python_level_capture(tmp_path, capsys):
    settings = dataclasses.replace(load_settings(), dagster_home=tmp_path / "home")
    progress = BuildProgress(settings, {})
    with progress.quiet() as log:
        print("dbt says a lot")
        print("a step line", file=progress.out)
    assert Path(log).read_text() == "dbt says a lot\n"
    assert capsys.readouterr().out == "a step line\n"
