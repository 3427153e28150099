"""A run killed at its worst moments leaves a consistent warehouse and export set, and the next run completes.
Exports are staged and released as one set (orchestration/lib/release.py), so a run killed mid-export leaves
the previous set exactly as it was.

The kill is deterministic: `WRES_FAULT_AT` names a fault point (orchestration/lib/faults.py) where the process
SIGKILLs itself — inside a source's load transaction, and between writing an export's temporary file and
renaming it over the old one.
"""

from __future__ import annotations

import signal
import subprocess

import pytest

from tests.harness import WRES, build_env, run_build

pytestmark = pytest.mark.slow


def raw_counts(build) -> dict[str, int]:
    tables = ["staff_in_post", "recruitment", "employee_relations", "training", "staff_survey", "board"]
    return {t: build.query(f"select count(*) from raw.{t}")[0][0] for t in tables}


def duplicate_keys(build) -> int:
    return build.query(
        "select count(*) from (select organisation_code, snapshot_date, assignment_number from raw.staff_in_post "
        "group by all having count(*) > 1)"
    )[0][0]


def export_bytes(build) -> dict[str, bytes]:
    """The live exports (not the quality reports, which each step rewrites, and not a run's staging folder)."""
    return {str(p.relative_to(build.exports)): p.read_bytes()
            for p in build.exports.rglob("*")
            if p.is_file() and not {"quality", ".staging"} & set(p.relative_to(build.exports).parts)}


def killed_build(landing, work, fault: str) -> subprocess.CompletedProcess:
    env = {**build_env(landing, work), "WRES_FAULT_AT": fault}
    return subprocess.run([str(WRES), "build"], env=env, capture_output=True, text=True, check=False)


def reissue_one_staff_file(landing) -> None:
    """Re-issue the first staff-in-post extract without its last row (a corrected extract)."""
    path = sorted((landing / "staff_in_post").glob("*.csv"))[0]
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    landing = tmp_path_factory.mktemp("landing")
    subprocess.run([str(WRES), "generate", "--out", str(landing), "--organisations", "2", "--staff", "150",
                    "--years", "2", "--seed", "11", "--clean"], check=True, capture_output=True)
    return landing


def test_killed_mid_load_then_mid_export_then_recovered(landing, tmp_path_factory):
    work = tmp_path_factory.mktemp("faults")
    first = run_build(landing, work)
    assert first.returncode == 0, first.output[-3000:]
    counts_before, exports_before = raw_counts(first), export_bytes(first)

    # 1. Killed inside the staff-in-post load transaction: nothing of the re-issue is visible.
    reissue_one_staff_file(landing)
    crash = killed_build(landing, work, "load:before_commit")
    assert crash.returncode == -signal.SIGKILL, crash.stdout[-2000:] + crash.stderr[-2000:]
    assert raw_counts(first) == counts_before
    assert export_bytes(first) == exports_before

    # The next run completes: the re-issue replaces its earlier rows, once.
    second = run_build(landing, work)
    assert second.returncode == 0, second.output[-3000:]
    counts_after = raw_counts(second)
    assert counts_after["staff_in_post"] == counts_before["staff_in_post"] - 1
    assert duplicate_keys(second) == 0
    exports_second = export_bytes(second)

    # 2. Killed while writing the exports (some written, the return half-written): readers still see the
    #    last complete set, byte for byte, and no file of the dead run.
    reissue_one_staff_file(landing)
    crash = killed_build(landing, work, "publish:before_rename:wres_return.csv")
    assert crash.returncode == -signal.SIGKILL
    assert export_bytes(second) == exports_second
    leftovers = [p for p in second.exports.rglob(".tmp-*")]
    assert leftovers and all(".staging" in p.parts for p in leftovers), leftovers

    # The next run completes, removes the leftovers and writes what a clean build of the same files writes.
    third = run_build(landing, work)
    assert third.returncode == 0, third.output[-3000:]
    assert not list(third.exports.rglob(".tmp-*"))
    assert duplicate_keys(third) == 0
    clean = run_build(landing, tmp_path_factory.mktemp("clean"))
    assert clean.returncode == 0
    for table in ["returns/wres_return.csv", "returns/wres_headline.csv", "publication/wres_return.csv",
                  "trends/wres_trend.csv"]:
        assert (third.exports / table).read_bytes() == (clean.exports / table).read_bytes(), table
