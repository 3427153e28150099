"""The national performance benchmark (docs/performance.md): one run, one machine, every figure side by side.

    .venv/bin/python -m bench.national --out /tmp/bench        (or: make bench)

Under `--out` it writes the national landing set once (`landing/`, reused by later runs while its generator
manifest is there), then measures, each in a fresh subprocess:

  full         `wres build` from an empty warehouse (own WRES_LANDING_DIR, WRES_WAREHOUSE, WRES_EXPORTS_DIR and
               DAGSTER_HOME under `full/`);
  incremental  `wres build` again after one organisation re-issues its latest staff_in_post extract (one row
               added); the file is put back as it was afterwards, so the landing set stays the generated one;
  floor        DuckDB alone reading every landing CSV once (`bench.duckdb_floor`);
  pandas       the nine indicators with pandas (`bench.pandas_baseline`), checked against the warehouse;
  sample       `wres build` of the 4-organisation sample (`wres generate --sample`) after set-up.

Before the full and the sample build, the set-up of `make run` (`wres setup`, and `dbt parse` with the build's
settings) runs unmeasured.

For each: wall time, peak memory of the process tree, rows per second (landing rows / wall time) and the load
average before and after. It prints a Markdown table and writes `results.json` beside it, with the time of every
Dagster step and of the slowest dbt nodes of the full build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import Measurement, load_average, run

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MEASUREMENTS = ("full", "incremental", "floor", "pandas", "sample")
GOALS = {
    "full_over_floor": 3.0,  # the full build within 3x the DuckDB read floor
    "full_over_pandas": 1 / 5,  # at least 5x faster than pandas
    "peak_memory_mb": 4096,  # peak memory under 4 GB
    "incremental_over_full": 0.15,  # the incremental rebuild under 15% of the full build
    "sample_seconds": 30,  # the sample build under 30 s
}
STEP_LINE = re.compile(r" - (\w+) - STEP_SUCCESS - Finished execution of step \"[^\"]+\" in ([0-9.]+)(ms|s|m[0-9.]+s)")
RUN_ID = re.compile(r" - wres_build - ([0-9a-f-]{36}) - ")


def seconds(value: str, unit: str) -> float:
    if unit == "ms":
        return float(value) / 1000
    if unit == "s":
        return float(value)
    return float(value) * 60 + float(unit[1:-1])  # "1m20s" arrives as value "1", unit "m20s"


def build_log(log: Path, dagster_home: Path, since: float) -> str:
    """Dagster's event log lines of a `wres build`: its output, and the log files it wrote under
    DAGSTER_HOME/logs since `since` (where `wres build` sends Dagster's and dbt's lines)."""
    texts = [log.read_text(errors="replace")]
    for path in sorted((dagster_home / "logs").glob("*.log")) if (dagster_home / "logs").is_dir() else []:
        if path.stat().st_mtime >= since:
            texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


def step_times(text: str) -> dict[str, float]:
    """Every Dagster step's own time, from the log lines."""
    return {m[1]: round(seconds(m[2], m[3]), 2) for m in STEP_LINE.finditer(text)}


RUN_START = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \+0000 - dagster - \w+ - [\w-]+ - [0-9a-f-]{36} - .*RUN_START", re.M)
RUN_END = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \+0000 - dagster - \w+ - [\w-]+ - [0-9a-f-]{36} - .*RUN_(SUCCESS|FAILURE)", re.M)


def run_phases(text: str, m: Measurement) -> dict[str, float]:
    """Wall time before Dagster starts the run (imports, definitions, dbt manifest) and after it ends (process
    exit), from the log's timestamps (whole seconds) and the measurement's start."""
    import calendar

    start, end = RUN_START.search(text), None
    for end in RUN_END.finditer(text):
        pass
    if not start or not end:
        return {}
    epoch = lambda stamp: calendar.timegm(time.strptime(stamp, "%Y-%m-%d %H:%M:%S"))  # noqa: E731
    return {
        "before_run_start": round(epoch(start[1]) - m.started_at, 1),
        "run": round(epoch(end[1]) - epoch(start[1]), 1),
        "after_run_end": round(m.started_at + m.wall_seconds - epoch(end[1]), 1),
    }


def dbt_timings(text: str, top: int = 15) -> dict[str, object]:
    """dbt's own figures for the run of the log: elapsed time, time per resource type, the slowest nodes."""
    match = RUN_ID.search(text)
    if not match:
        return {}
    targets = sorted((ROOT / "dbt_project" / "target").glob(f"wres_dbt_*-{match[1][:7]}-*/run_results.json"))
    if not targets:
        return {}
    elapsed, by_type, nodes = {}, {}, []
    for target in targets:  # one per `dbt build` of the run
        results = json.loads(target.read_text())
        elapsed[target.parent.name] = round(results["elapsed_time"], 2)
        nodes += results["results"]
    for node in nodes:
        kind = node["unique_id"].split(".")[0]
        by_type[kind] = round(by_type.get(kind, 0.0) + node["execution_time"], 2)
    slowest = sorted(nodes, key=lambda n: -n["execution_time"])[:top]
    return {
        "elapsed": elapsed,
        "nodes": len(nodes),
        "execution_time_by_type": by_type,
        "slowest": {n["unique_id"]: round(n["execution_time"], 2) for n in slowest},
    }


def build_environment(folder: Path, landing: Path) -> dict[str, str]:
    dagster_home = folder / "dagster_home"
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "dagster.yaml", dagster_home / "dagster.yaml")
    return {
        **os.environ,
        "WRES_LANDING_DIR": str(landing),
        "WRES_WAREHOUSE": str(folder / "wres.duckdb"),
        "WRES_EXPORTS_DIR": str(folder / "exports"),
        "DAGSTER_HOME": str(dagster_home),
    }


def set_up(env: dict[str, str]) -> None:
    """What `make run` does before `wres build` on a fresh clone, for these settings (not measured): `wres setup`
    (the Dagster instance's databases), and `dbt parse` with the build's profile. dbt's partial parsing is keyed by
    the profile (the warehouse's path among it), so without this the measured build would parse the project from
    scratch (about 4 s more), which `make run` never does."""
    subprocess.run([str(BIN / "wres"), "setup"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    project = ROOT / "dbt_project"
    subprocess.run([str(BIN / "dbt"), "parse", "--quiet", "--project-dir", str(project), "--profiles-dir",
                    str(project)], env=env, cwd=project, check=True, stdout=subprocess.DEVNULL)


def ensure_landing(landing: Path) -> float | None:
    """Generate the national landing set unless it is already there; return the generation's wall time."""
    manifest = landing / "_generator.json"
    if manifest.exists() and json.loads(manifest.read_text())["options"].get("profile") == "national":
        return None
    start = time.perf_counter()
    subprocess.run([str(BIN / "wres"), "generate", "--national", "--out", str(landing)], check=True, cwd=ROOT)
    return time.perf_counter() - start


def reissue_one_organisation(landing: Path) -> tuple[Path, bytes]:
    """Re-issue one organisation's latest staff_in_post extract with one more row; return the file and its
    original content (to put back)."""
    path = sorted((landing / "staff_in_post").glob("*.csv"))[-1]
    original = path.read_bytes()
    last = original.rstrip(b"\n").rsplit(b"\n", 1)[1].decode()
    fields = last.split(",")
    fields[2] = fields[3] = "99999999"  # a new employee and assignment number
    path.write_bytes(original.rstrip(b"\n") + b"\n" + ",".join(fields).encode() + b"\n")
    return path, original


def compare_with_warehouse(pandas_csv: Path, warehouse: Path) -> dict[str, object]:
    """How many of the warehouse's return rows with people in them the pandas baseline reproduces exactly."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(
            """
            with warehouse as (
                select organisation_code, wres_year, indicator, breakdown, ethnic_group, numerator, denominator
                from marts.rpt_wres_return where numerator > 0 and organisation_code <> 'ALL'
            ),
            baseline as (select * from read_csv(?, header = true))
            select
                count(*),
                count(*) filter (where baseline.numerator = warehouse.numerator
                    and baseline.denominator = warehouse.denominator)
            from warehouse
            left join baseline using (organisation_code, wres_year, indicator, breakdown, ethnic_group)
            """,
            [str(pandas_csv)],
        ).fetchone()
    finally:
        con.close()
    return {"warehouse_rows_compared": row[0], "identical_counts": row[1],
            "identical_share": round(row[1] / row[0], 4) if row[0] else None}


def describe(m: Measurement, rows: int | None) -> dict[str, object]:
    return {
        "wall_seconds": round(m.wall_seconds, 1),
        "peak_tree_rss_mb": round(m.peak_tree_rss_mb),
        "max_process_rss_mb": round(m.max_process_rss_mb),
        "cpu_seconds": round(m.user_seconds + m.system_seconds, 1),
        "rows_per_second": round(rows / m.wall_seconds) if rows else None,
        "returncode": m.returncode,
        "load_before": m.load_before,
        "load_after": m.load_after,
    }


def machine() -> dict[str, object]:
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(int(memory.split()[1]) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average_at_start": load_average(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def markdown(results: dict) -> str:
    labels = {
        "full": "(a) full `wres build`, empty warehouse",
        "incremental": "(b) incremental `wres build`, one organisation re-issued",
        "floor": "(c) DuckDB reads every landing CSV (the floor)",
        "pandas": "(d) pandas, the nine indicators",
        "sample": "sample `wres build` (4 organisations)",
    }
    lines = [
        "| measurement | wall (s) | peak RSS, tree (MB) | largest process (MB) | rows/s | load avg before / after |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, label in labels.items():
        m = results["measurements"].get(name)
        if m:
            rate = f"{m['rows_per_second']:,}" if m["rows_per_second"] else ""
            if m.get("returncode"):
                label += f" **FAILED (exit {m['returncode']})**"
            lines.append(f"| {label} | {m['wall_seconds']} | {m['peak_tree_rss_mb']:,} | {m['max_process_rss_mb']:,} "
                         f"| {rate} | {m['load_before']} / {m['load_after']} |")
    lines += ["", "| ratio | value | goal | met |", "|---|---:|---:|---|"]
    for name, ratio in results["ratios"].items():
        lines.append(f"| {name} | {ratio['value']} | {ratio['goal']} | {'yes' if ratio['met'] else 'no'} |")
    return "\n".join(lines)


def ratios(measurements: dict) -> dict[str, dict]:
    def wall(name: str) -> float | None:
        return measurements[name]["wall_seconds"] if name in measurements else None

    out: dict[str, dict] = {}

    def add(name: str, value: float | None, goal: float, lower_is_better: bool = True) -> None:
        if value is not None:
            out[name] = {"value": round(value, 3), "goal": round(goal, 3), "met": value < goal if lower_is_better else value > goal}

    if wall("full") and wall("floor"):
        add("full / floor (goal: at most 3)", wall("full") / wall("floor"), GOALS["full_over_floor"])
    if wall("full") and wall("pandas"):
        add("full / pandas (goal: at most 0.2, 5x faster)", wall("full") / wall("pandas"), GOALS["full_over_pandas"])
    if "full" in measurements:
        peak = max(measurements[n]["peak_tree_rss_mb"] for n in ("full", "incremental") if n in measurements)
        add("peak memory of the builds, MB (goal: under 4 GB)", peak, GOALS["peak_memory_mb"])
    if wall("full") and wall("incremental"):
        add("incremental / full (goal: under 0.15)", wall("incremental") / wall("full"), GOALS["incremental_over_full"])
    if wall("sample"):
        add("sample build, s (goal: under 30)", wall("sample"), GOALS["sample_seconds"])
    return out


def outcome(m: Measurement) -> str:
    """The wall time, and a failure in capitals: a failed build's time measures nothing."""
    failed = f" FAILED (exit {m.returncode}; see its log)" if m.returncode else ""
    return f"{m.wall_seconds:.1f} s{failed}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The national performance benchmark (docs/performance.md).")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench"), help="working folder (default /tmp/bench)")
    parser.add_argument("--landing", type=Path, help="an existing national landing folder (default OUT/landing)")
    parser.add_argument("--only", nargs="+", choices=MEASUREMENTS, default=list(MEASUREMENTS),
                        help="the measurements to run (default: all)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    landing = (args.landing or out / "landing").resolve()
    results: dict[str, object] = {"machine": machine(), "landing": str(landing), "measurements": {}}
    if args.landing:  # given: used as it is, never (re)generated
        if not args.landing.is_dir():
            parser.error(f"no landing folder {args.landing}")
        generated = None
    else:
        generated = ensure_landing(landing)
    if generated is not None:
        results["generation_seconds"] = round(generated, 1)
    measurements: dict[str, dict] = results["measurements"]  # type: ignore[assignment]

    floor_json = out / "floor.json"
    if "floor" in args.only or not floor_json.exists():
        m = run([sys.executable, "-m", "bench.duckdb_floor", str(landing)], cwd=ROOT, log=floor_json)
        floor = json.loads(floor_json.read_text())
        measurements["floor"] = describe(m, floor["total_rows"])
    floor = json.loads(floor_json.read_text())
    rows = floor["total_rows"]
    results["landing_rows"] = floor["rows"]
    results["landing_rows_total"] = rows
    print(f"landing: {rows:,} rows in {sum(1 for _ in landing.rglob('*.csv'))} files", file=sys.stderr)

    full = out / "full"
    if "full" in args.only:
        shutil.rmtree(full, ignore_errors=True)
        full.mkdir(parents=True)
        env = build_environment(full, landing)
        set_up(env)
        m = run([str(BIN / "wres"), "build"], env=env, cwd=ROOT, log=full / "build.log")
        text = build_log(full / "build.log", full / "dagster_home", m.started_at)
        measurements["full"] = {**describe(m, rows), "phases": run_phases(text, m), "steps": step_times(text),
                                "dbt": dbt_timings(text)}
        print(f"full build: {outcome(m)}", file=sys.stderr)

    if "incremental" in args.only and (full / "wres.duckdb").exists():
        env = build_environment(full, landing)
        path, original = reissue_one_organisation(landing)
        try:
            m = run([str(BIN / "wres"), "build"], env=env, cwd=ROOT, log=full / "incremental.log")
        finally:
            path.write_bytes(original)
        text = build_log(full / "incremental.log", full / "dagster_home", m.started_at)
        measurements["incremental"] = {**describe(m, rows), "reissued": path.name, "phases": run_phases(text, m),
                                       "steps": step_times(text), "dbt": dbt_timings(text)}
        print(f"incremental build: {outcome(m)}", file=sys.stderr)

    if "pandas" in args.only:
        pandas_csv = out / "pandas_indicators.csv"
        m = run([sys.executable, "-m", "bench.pandas_baseline", str(landing), "--out", str(pandas_csv)], cwd=ROOT,
                log=out / "pandas.log")
        measurements["pandas"] = describe(m, rows)
        if (full / "wres.duckdb").exists() and m.returncode == 0:
            measurements["pandas"]["agreement"] = compare_with_warehouse(pandas_csv, full / "wres.duckdb")
        print(f"pandas: {outcome(m)}", file=sys.stderr)

    if "sample" in args.only:
        sample = out / "sample"
        shutil.rmtree(sample, ignore_errors=True)
        sample.mkdir(parents=True)
        env = build_environment(sample, sample / "landing")
        subprocess.run([str(BIN / "wres"), "generate", "--sample"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        set_up(env)
        sample_rows = json.loads(subprocess.run(
            [sys.executable, "-m", "bench.duckdb_floor", str(sample / "landing")], cwd=ROOT, check=True,
            capture_output=True, text=True).stdout)["total_rows"]
        m = run([str(BIN / "wres"), "build"], env=env, cwd=ROOT, log=sample / "build.log")
        text = build_log(sample / "build.log", sample / "dagster_home", m.started_at)
        measurements["sample"] = {**describe(m, sample_rows), "landing_rows": sample_rows,
                                  "phases": run_phases(text, m), "steps": step_times(text), "dbt": dbt_timings(text)}
        print(f"sample build: {outcome(m)}", file=sys.stderr)

    # Keep the earlier figures of measurements not run this time (--only), marked as such.
    previous = out / "results.json"
    if previous.exists():
        for name, figures in json.loads(previous.read_text()).get("measurements", {}).items():
            if name not in measurements:
                measurements[name] = {**figures, "from_earlier_run": True}
    results["ratios"] = ratios(measurements)
    table = markdown(results)
    results["load_average_at_end"] = load_average()
    previous.write_text(json.dumps(results, indent=1) + "\n")
    print(table)
    print(f"\nresults: {previous}", file=sys.stderr)
    return 0 if all(m.get("returncode", 0) == 0 for m in measurements.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
