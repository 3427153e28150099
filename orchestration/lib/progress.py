"""What `wres build` shows while it runs and when it ends.

While the run executes, one line per step as it finishes, with the time since the build started and what the
step did (from its materialisations' metadata and its check results):

    [   1.2s] ingest staff_in_post ... ok in 0.5s (6 files, 380 rows, 4 quarantined, 2 checks)
    [  52.9s] dbt models ... ok in 51.0s (65 assets, 183 checks, 1 warned)
    [  55.0s] export returns/wres_return ... ok in 0.1s (1 234 rows)

At the end, a summary: assets materialised by group; checks passed / warned / failed, naming the warned and the
failed ones (the run's record in `quality.check_results`, what `quality/checks.csv` holds); files, rows read,
loaded and quarantined per source (the warehouse's load log, `raw.load_log`); where the outputs and the full log
are.

The detail (Dagster's own DEBUG lines and dbt's log) goes to a log file under `DAGSTER_HOME/logs/` instead of
the terminal; when the run fails, the end of that log is shown.

The formatting is pure functions of plain records (`StepResult`, `CheckResult`, `SourceLoadTotals`, ...), unit
tested with hand-made inputs; `BuildProgress` turns Dagster's events into those records (it listens to the
instance's events of the run: `DagsterInstance.add_event_listener`, called synchronously as each event is
stored) and reads the warehouse once the run is over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from orchestration.lib.publish import FILE_MODE, make_folder
from orchestration.settings import Settings

LOG_FOLDER = "logs"  # under DAGSTER_HOME
LOG_TAIL_LINES = 60  # shown when the run fails

# How a step of this code location is named on its line, by the prefix of its key.
STEP_PREFIXES = (("ingest_", "ingest "), ("gx_", "expectations "), ("exports__", "export "), ("wres_dbt_", "dbt "))
RUN_START_TYPES = ("PIPELINE_START", "RUN_START")  # Dagster 1.x still stores the run start as PIPELINE_START
ABANDONED_SUFFIX = "Not executing."  # Dagster's message for a step whose upstream failed (no event of its own)


# Records --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """One asset check evaluation: `severity` ERROR or WARN."""

    asset_key: str
    name: str
    passed: bool
    severity: str = "ERROR"
    description: str = ""

    @property
    def outcome(self) -> str:
        """passed, warned (a failed warning) or failed (a failed error)."""
        if self.passed:
            return "passed"
        return "warned" if self.severity.upper() == "WARN" else "failed"


@dataclass(frozen=True)
class Materialisation:
    """One asset materialised, with its metadata as plain values."""

    asset_key: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StepResult:
    """A finished step: `status` ok, FAILED or skipped; `duration_s` its own time where Dagster gives it."""

    step_key: str
    status: str
    duration_s: float | None = None
    materialisations: tuple[Materialisation, ...] = ()
    checks: tuple[CheckResult, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class SourceLoadTotals:
    """One source's rows of `raw.load_log`: files loaded, files rejected, rows read, loaded and quarantined."""

    source: str
    files: int
    rejected_files: int
    rows_read: int
    rows_loaded: int
    rows_quarantined: int


@dataclass(frozen=True)
class CheckCounts:
    passed: int = 0
    warned: int = 0
    failed: int = 0
    skipped: int = 0
    warned_names: tuple[str, ...] = ()
    failed_names: tuple[str, ...] = ()


# Step lines -----------------------------------------------------------------------------------------------------


def number(value: int) -> str:
    """An integer with a space between thousands: 41 200."""
    return f"{value:,}".replace(",", " ")


def step_label(step_key: str) -> str:
    """How a step is named: `ingest staff_in_post`, `dbt models`, `expectations gx_board`,
    `export returns/wres_return`; any other step by its key."""
    for prefix, label in STEP_PREFIXES:
        if step_key.startswith(prefix):
            rest = step_key[len(prefix):]
            if prefix == "exports__":
                return label + rest.replace("__", "/")
            if prefix == "gx_":
                return label + step_key
            return label + rest
    return step_key


def latest_by_asset(materialisations: Sequence[Materialisation]) -> list[Materialisation]:
    """One materialisation per asset (the last): a run over a range of partitions materialises an asset once per
    partition, with the same metadata."""
    return list({m.asset_key: m for m in materialisations}.values())


def _int_metadata(materialisations: Sequence[Materialisation], *names: str) -> int | None:
    """The sum over assets of the first of `names` each has as an integer; None when none has any."""
    values = []
    for m in latest_by_asset(materialisations):
        for name in names:
            value = m.metadata.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                values.append(value)
                break
    return sum(values) if values else None


def check_summary(checks: Sequence[CheckResult]) -> list[str]:
    """`12 checks`, then `2 warned` and `1 failed` where there are any."""
    if not checks:
        return []
    outcomes = Counter(c.outcome for c in checks)
    parts = [f"{number(len(checks))} check{'s' if len(checks) != 1 else ''}"]
    parts += [f"{outcomes[o]} {o}" for o in ("warned", "failed") if outcomes[o]]
    return parts


def step_details(step: StepResult) -> list[str]:
    """What a step did, from its materialisations' metadata (files, rows, quarantined) and its checks."""
    parts = []
    files = _int_metadata(step.materialisations, "files")
    rows = _int_metadata(step.materialisations, "rows_loaded", "rows")
    quarantined = _int_metadata(step.materialisations, "rows_quarantined")
    if files is not None:
        parts.append(f"{number(files)} file{'s' if files != 1 else ''}")
    if rows is not None:
        parts.append(f"{number(rows)} rows")
    if quarantined is not None:
        parts.append(f"{number(quarantined)} quarantined")
    assets = len(latest_by_asset(step.materialisations))
    if assets > 1 and files is None and rows is None:
        parts.append(f"{number(assets)} assets")
    return parts + check_summary(step.checks)


def step_line(elapsed_s: float, step: StepResult) -> str:
    """`[  12.3s] ingest staff_in_post ... ok in 0.5s (3 files, 41 200 rows, 12 quarantined, 2 checks)`; a
    failed step adds the first line of its error."""
    took = f" in {step.duration_s:.1f}s" if step.duration_s is not None else ""
    details = step_details(step)
    line = f"[{elapsed_s:7.1f}s] {step_label(step.step_key)} ... {step.status}{took}"
    if details:
        line += f" ({', '.join(details)})"
    if step.error:
        line += f": {first_line(step.error)}"
    return line


def run_line(elapsed_s: float, run_id: str) -> str:
    """`[  18.0s] run 1b2c3d4e-... started` (the run id finds the run in the Dagster UI)."""
    return f"[{elapsed_s:7.1f}s] run {run_id} started"


def root_cause(error: Any) -> str:
    """The message of the innermost cause of a Dagster error (`SerializableErrorInfo`: `message`, `cause`): the
    user's exception rather than Dagster's "Error occurred while executing op" wrapper."""
    while error is not None and getattr(error, "cause", None) is not None:
        error = error.cause
    return (getattr(error, "message", "") or "") if error is not None else ""


def first_line(text: str, limit: int = 300) -> str:
    line = next((part.strip() for part in text.strip().splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


# The summary ----------------------------------------------------------------------------------------------------


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "  ") -> list[str]:
    """A plain-text table: numbers right-aligned (with thousands spaced), text left-aligned."""
    cells = [[number(v) if isinstance(v, int) and not isinstance(v, bool) else str(v) for v in row] for row in rows]
    numeric = [all(isinstance(row[i], int) for row in rows) and bool(rows) for i in range(len(headers))]
    widths = [max([len(headers[i]), *(len(row[i]) for row in cells)]) for i in range(len(headers))]

    def fmt(values: Sequence[str]) -> str:
        return indent + "  ".join(
            v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]) for i, v in enumerate(values)
        ).rstrip()

    return [fmt(headers), indent + "  ".join("-" * w for w in widths), *(fmt(row) for row in cells)]


def assets_by_group(materialised: Sequence[str], groups: Mapping[str, str]) -> list[tuple[str, int]]:
    """How many distinct assets were materialised in each group (assets of no known group under `other`),
    in the order of the pipeline's groups then by name."""
    counts = Counter(groups.get(key, "other") for key in set(materialised))
    order = ["ingest", "reference", "staging", "intermediate", "marts", "exports"]
    return sorted(counts.items(), key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]))


def count_checks(records: Sequence[tuple[str, str, str, str]]) -> CheckCounts:
    """Count check records `(target, check, severity, status)` as `quality.check_results` holds them: a pass is
    passed, a skipped check skipped, a failure (or a check that broke) of severity warn is warned, of severity
    error failed."""
    warned, failed, passed, skipped = [], [], 0, 0
    for target, check, severity, status in records:
        if status == "pass":
            passed += 1
        elif status == "skipped":
            skipped += 1
        elif severity == "warn":
            warned.append(f"{target}:{check}")
        else:
            failed.append(f"{target}:{check}")
    return CheckCounts(passed, len(warned), len(failed), skipped, tuple(sorted(warned)), tuple(sorted(failed)))


def checks_from_events(checks: Sequence[CheckResult]) -> CheckCounts:
    """The same counts from Dagster's check evaluations (when the warehouse holds no record of the run)."""
    records = [(c.asset_key, c.name, "warn" if c.severity.upper() == "WARN" else "error",
                "pass" if c.passed else "fail") for c in checks]
    return count_checks(records)


def load_log_table(totals: Sequence[SourceLoadTotals]) -> list[str]:
    """The load log by source, with a total row."""
    headers = ["source", "files", "rejected", "rows read", "loaded", "quarantined"]
    numbers = [[t.files, t.rejected_files, t.rows_read, t.rows_loaded, t.rows_quarantined] for t in totals]
    rows: list[list[object]] = [[t.source, *n] for t, n in zip(totals, numbers)]
    if totals:
        rows.append(["total", *(sum(column) for column in zip(*numbers))])
    return render_table(headers, rows)


def summary_lines(
    *,
    success: bool,
    elapsed_s: float,
    groups: Sequence[tuple[str, int]],
    checks: CheckCounts,
    loads: Sequence[SourceLoadTotals],
    places: Sequence[tuple[str, str]],
    failed_steps: Sequence[str] = (),
    not_run: Sequence[str] = (),
) -> list[str]:
    """The end-of-build summary as plain text lines."""
    lines = ["", f"wres build {'succeeded' if success else 'failed'} in {elapsed_s:.1f}s", ""]
    total = sum(count for _, count in groups)
    lines.append(f"assets materialised: {number(total)}")
    if groups:
        lines += render_table(["group", "assets"], [[g, n] for g, n in groups])
    if failed_steps:
        lines.append(f"steps failed: {number(len(failed_steps))}")
        lines += [f"  failed: {step}" for step in failed_steps]
    if not_run:
        lines.append(f"steps not run (an upstream step failed): {number(len(not_run))}")
    lines.append("")
    skipped = f", {number(checks.skipped)} skipped" if checks.skipped else ""
    lines.append(f"checks: {number(checks.passed)} passed, {number(checks.warned)} warned, "
                 f"{number(checks.failed)} failed{skipped}")
    lines += [f"  warned: {name}" for name in checks.warned_names]
    lines += [f"  failed: {name}" for name in checks.failed_names]
    lines.append("")
    lines.append("rows in the warehouse (raw.load_log):")
    lines += load_log_table(loads) if loads else ["  (no load log)"]
    lines.append("")
    width = max((len(label) for label, _ in places), default=0)
    lines += [f"{(label + ':').ljust(width + 1)} {where}" for label, where in places]
    return lines


def output_places(settings: Settings, log: Path | None) -> list[tuple[str, str]]:
    """Where to look besides the warehouse and exports folder (which `wres build` prints last)."""
    exports = settings.exports_dir
    places = [
        ("quality reports", str(exports / "quality") + "/ (load_log.csv, quarantine.csv, checks.csv)"),
        ("BI copy", str(exports / "bi" / "wres.duckdb")),
    ]
    if log is not None:
        places.append(("full log", str(log)))
    return places


def log_path(settings: Settings, now: dt.datetime) -> Path:
    return settings.dagster_home / LOG_FOLDER / f"wres_build_{now:%Y%m%d_%H%M%S}.log"


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> list[str]:
    if not path.exists():
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]


# Reading the warehouse after the run ----------------------------------------------------------------------------


def read_load_log(warehouse: Path) -> list[SourceLoadTotals]:
    """`raw.load_log` by source (empty when the warehouse or the table is missing)."""
    rows = _query(warehouse, """
        select source,
            count(*) filter (where status = 'loaded'), count(*) filter (where status = 'rejected'),
            sum(rows_read), sum(rows_loaded), sum(rows_quarantined)
        from raw.load_log group by source order by source""", [])
    return [SourceLoadTotals(r[0], *(int(v or 0) for v in r[1:])) for r in rows]


def read_check_records(warehouse: Path, run_ids: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """The runs' rows of `quality.check_results` as (target, check, severity, status)."""
    if not run_ids:
        return []
    placeholders = ", ".join("?" for _ in run_ids)
    return _query(warehouse, f"""select target, "check", severity, status from quality.check_results
                                 where run_id in ({placeholders})""", list(run_ids))


def _query(warehouse: Path, sql: str, params: list[object]) -> list[tuple]:
    import duckdb

    if not warehouse.exists():
        return []
    for attempt in range(2):
        try:
            with duckdb.connect(str(warehouse), read_only=True) as con:
                return con.execute(sql, params).fetchall()
        except duckdb.Error:  # no such table (a run that failed early), or the file is busy: say nothing
            # A step that raised leaves its warehouse connection open until its traceback is collected
            # (dagster-duckdb closes the connection only when the step succeeds), and DuckDB refuses a read-only
            # connection beside it in the same process: collect, then try once more.
            if attempt == 0:
                gc.collect()
    return []


def _is_descriptor(stream: TextIO, descriptor: int) -> bool:
    try:
        return stream.fileno() == descriptor
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both an OSError and a ValueError
        return False


@contextlib.contextmanager
def _descriptors_to(handle: TextIO) -> Iterator[TextIO]:
    """Point file descriptors 1 and 2 at `handle`'s file; yield a stream on the original descriptor 1; restore
    both on exit."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(fd) for fd in (1, 2)]
    terminal = os.fdopen(os.dup(saved[0]), "w", encoding="utf-8", errors="replace", buffering=1)
    try:
        for fd in (1, 2):
            os.dup2(handle.fileno(), fd)
        yield terminal
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, original in zip((1, 2), saved):
            os.dup2(original, fd)
            os.close(original)
        terminal.close()


# Dagster's events -----------------------------------------------------------------------------------------------


def plain_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Dagster metadata values as plain Python values (every MetadataValue has `.value`)."""
    return {name: getattr(value, "value", value) for name, value in metadata.items()}


def asset_groups(defs: Any) -> dict[str, str]:
    """Every asset key of a `Definitions` (as `a/b/c`) and its group."""
    graph = defs.resolve_asset_graph()
    return {key.to_user_string(): graph.get(key).group_name or "default" for key in graph.get_all_asset_keys()}


class BuildProgress:
    """Prints a line per finished step of the runs it listens to, and the summary at the end.

    Usage (orchestration/lib/build.py):

        progress = BuildProgress(settings, asset_groups(defs))
        with progress.quiet():
            result = job.execute_in_process(instance=instance, raise_on_error=False,
                                            run_id=progress.listen(instance))
        print(progress.summary(result.success))
    """

    def __init__(self, settings: Settings, groups: Mapping[str, str], out: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.groups = dict(groups)
        self.out = out or sys.stdout
        self.clock = clock
        self.started = clock()
        self.run_ids: list[str] = []
        self.log: Path | None = None
        self.steps: list[StepResult] = []
        self.not_run: list[str] = []
        self._materialised: dict[str, list[Materialisation]] = {}
        self._checks: dict[str, list[CheckResult]] = {}

    # wiring

    def listen(self, instance: Any) -> str:
        """A new run id whose events this object receives; pass it to `execute_in_process(run_id=...)`."""
        run_id = str(uuid.uuid4())
        self.run_ids.append(run_id)
        instance.add_event_listener(run_id, self.handle)
        return run_id

    @contextlib.contextmanager
    def quiet(self) -> Iterator[Path]:
        """Send what the run writes to stdout and stderr (Dagster's DEBUG lines, dbt's log) to the log file,
        keeping the terminal for the step lines.

        The redirection is of file descriptors 1 and 2, so that Dagster's capture of each step's output (the
        compute logs the UI shows) still works, and mirrors into the log file; the step lines go to a duplicate
        of the original stdout. Where Python's `sys.stdout` is not descriptor 1 (under pytest's capture), Python's
        streams are redirected too."""
        if self.log is None:
            self.log = log_path(self.settings, dt.datetime.now())
        make_folder(self.log.parent)
        python_level = not (_is_descriptor(sys.stdout, 1) and _is_descriptor(sys.stderr, 2))
        with open(self.log, "a", encoding="utf-8") as handle, _descriptors_to(handle) as terminal:
            if os.name == "posix":
                os.chmod(self.log, FILE_MODE)
            previous = self.out
            if self.out is sys.stdout and not python_level:
                self.out = terminal
            try:
                if python_level:
                    with contextlib.redirect_stdout(handle), contextlib.redirect_stderr(handle):
                        yield self.log
                else:
                    yield self.log
            finally:
                self.out = previous

    def handle(self, entry: Any) -> None:
        """Take one event log entry of the run; never let a formatting problem break the run."""
        try:
            self._handle(entry)
        except Exception as error:  # noqa: BLE001 - progress output must never fail a build
            print(f"(progress: could not read an event: {error})", file=self.out)

    def _handle(self, entry: Any) -> None:
        event = getattr(entry, "dagster_event", None)
        if event is None:
            if entry.step_key and (entry.user_message or "").endswith(ABANDONED_SUFFIX):
                self.not_run.append(entry.step_key)
            return
        if event.event_type_value in RUN_START_TYPES:
            print(run_line(self.clock() - self.started, entry.run_id), file=self.out, flush=True)
        if not event.step_key:
            return
        kind, step, data = event.event_type_value, event.step_key, event.event_specific_data
        if kind == "ASSET_MATERIALIZATION":
            materialization = data.materialization
            self._materialised.setdefault(step, []).append(
                Materialisation(materialization.asset_key.to_user_string(), plain_metadata(materialization.metadata)))
        elif kind == "ASSET_CHECK_EVALUATION":
            self._checks.setdefault(step, []).append(CheckResult(
                data.asset_key.to_user_string(), data.check_name, data.passed,
                data.severity.value if data.severity is not None else "ERROR", data.description or ""))
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            status = {"STEP_SUCCESS": "ok", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}[kind]
            duration = data.duration_ms / 1000 if kind == "STEP_SUCCESS" else None
            error = ""
            if kind == "STEP_FAILURE" and data is not None:
                user = getattr(data, "user_failure_data", None)
                error = (user.description if user and user.description else "") or root_cause(data.error)
            self._finish(StepResult(step, status, duration, tuple(self._materialised.pop(step, [])),
                                    tuple(self._checks.pop(step, [])), error))

    def _finish(self, step: StepResult) -> None:
        self.steps.append(step)
        print(step_line(self.clock() - self.started, step), file=self.out, flush=True)

    # the end

    def summary(self, success: bool) -> str:
        """The summary text (the warehouse and exports lines are printed after it by `run_build`)."""
        materialised = [m.asset_key for s in self.steps for m in s.materialisations]
        records = read_check_records(self.settings.warehouse, self.run_ids)
        all_checks = [c for s in self.steps for c in s.checks]
        checks = count_checks(records) if records else checks_from_events(all_checks)
        lines = summary_lines(
            success=success,
            elapsed_s=self.clock() - self.started,
            groups=assets_by_group(materialised, self.groups),
            checks=checks,
            loads=read_load_log(self.settings.warehouse),
            places=output_places(self.settings, self.log),
            failed_steps=[s.step_key for s in self.steps if s.status == "FAILED"],
            not_run=self.not_run,
        )
        if any(s.status == "FAILED" for s in self.steps) and self.log is not None:
            lines = [f"--- the end of {self.log} ---", *tail(self.log), "---", *lines]
        return "\n".join(lines)
