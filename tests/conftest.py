from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.lib.bi import BI_DATABASE
from tests.bi_readers import Readers
from tests.harness import ACCEPTANCE_KIT, WRES, Build, run_build


@pytest.fixture(scope="session")
def build_landing(tmp_path_factory):
    """Build a landing folder with `wres build` into a fresh work folder; returns the Build."""

    def _build(landing, name: str = "build", run_date: str | None = None) -> Build:
        work = tmp_path_factory.mktemp(name)
        return run_build(landing, work, run_date) if run_date else run_build(landing, work)

    return _build


@pytest.fixture(scope="session")
def acceptance_build(build_landing) -> Build:
    """One build of the acceptance landing folder, shared by every test that reads its exports (read only)."""
    if not (ACCEPTANCE_KIT / "landing").is_dir():
        pytest.skip(f"the acceptance kit is not at {ACCEPTANCE_KIT}")
    build = build_landing(ACCEPTANCE_KIT / "landing", "acceptance")
    assert build.returncode == 0, build.output[-4000:]
    return build


@dataclass(frozen=True)
class SampleBuilds:
    """A generated landing folder built twice into one work folder, with analysts reading the BI copy all along."""

    first: Build
    first_exports: dict[Path, bytes]  # every CSV, workbook and chart of the first build but the quality reports
    second: Build
    readers: dict[str, dict]  # each reader's report (tests/bi_readers.py)


@pytest.fixture(scope="session")
def sample_builds(tmp_path_factory) -> SampleBuilds:
    """`wres generate` then `wres build` twice on the same files (the second must change nothing), while two readers
    read `bi/wres.duckdb` from before the first build (they wait for it) to after the second."""
    landing = tmp_path_factory.mktemp("landing")
    subprocess.run([str(WRES), "generate", "--out", str(landing), "--organisations", "3", "--staff", "250",
                    "--years", "4", "--seed", "7"], check=True, capture_output=True)
    work = tmp_path_factory.mktemp("sample")
    readers = Readers(database=work / "exports" / BI_DATABASE, folder=tmp_path_factory.mktemp("readers"))
    readers.start()
    try:
        first = run_build(landing, work)
        first_exports = {p.relative_to(first.exports): p.read_bytes()
                         for pattern in ("*.csv", "*.xlsx", "*.png") for p in first.exports.rglob(pattern)
                         if p.parent.name != "quality"}
        second = run_build(landing, work)
    finally:
        reports = readers.stop()
    assert first.returncode == 0, first.output[-4000:]
    assert second.returncode == 0, second.output[-4000:]
    return SampleBuilds(first, first_exports, second, reports)
