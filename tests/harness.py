"""Helpers the tests share: run `wres build` on a landing folder and read what it wrote."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ACCEPTANCE_KIT = PROJECT_ROOT.parent / "shared" / "acceptance"
WRES = Path(sys.executable).with_name("wres")
RUN_DATE = "2026-11-22"  # a fixed "day of the run", so the future-date rule is reproducible


@dataclass(frozen=True)
class Build:
    returncode: int
    output: str
    warehouse: Path
    exports: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def csv_rows(self, relative: str) -> list[dict[str, str]]:
        with open(self.exports / relative, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))


def build_env(landing: Path, work: Path, run_date: str = RUN_DATE) -> dict[str, str]:
    return {
        **os.environ,
        "WRES_LANDING_DIR": str(landing),
        "WRES_WAREHOUSE": str(work / "warehouse" / "wres.duckdb"),
        "WRES_EXPORTS_DIR": str(work / "exports"),
        "WRES_RUN_DATE": run_date,
        "DAGSTER_HOME": str(work / "dagster_home"),
    }


def run_build(landing: Path, work: Path, run_date: str = RUN_DATE) -> Build:
    """Run `wres build` in a subprocess, exactly as a user would, with every setting pointing into `work`."""
    env = build_env(landing, work, run_date)
    completed = subprocess.run(
        [str(WRES), "build"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    return Build(
        returncode=completed.returncode,
        output=completed.stdout + completed.stderr,
        warehouse=Path(env["WRES_WAREHOUSE"]),
        exports=Path(env["WRES_EXPORTS_DIR"]),
    )


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> Path:
    """Write a small landing file (values written as given; None as blank)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path
