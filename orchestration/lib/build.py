"""`wres build`: materialise every asset in one process and report what happened.

Dagster, dbt and Great Expectations are imported inside `run_build`, so that `wres --help` and `wres generate`
start without them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

from orchestration.lib.landing_changes import LANDING_CACHE, FileState, landing_states
from orchestration.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from dagster import ExecuteInProcessResult


@contextmanager
def landing_scan(settings: Settings) -> Iterator[Future[dict[str, FileState]]]:
    """Scan the landing folder for the run's partitions (`landing_changes.landing_states`, with the cache in
    DAGSTER_HOME) in a thread, beside the set-up and the imports of Dagster and dbt, which keep one core busy: the
    scan is hashing and DuckDB, which release the interpreter (nationally about 8 s)."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wres-landing-scan") as thread:
        yield thread.submit(landing_states, settings.landing_dir, settings.dagster_home / LANDING_CACHE)


@contextmanager
def warehouse_held_open(settings: Settings) -> Iterator[bool]:
    """Hold the warehouse open for the run, so that every step's connection joins one DuckDB database.

    DuckDB keeps one database per file (and configuration) in a process while any connection to it is open. Without
    this, each of the run's 35 or so steps opened the file (about 35 ms nationally) and, closing the last connection,
    checkpointed it (about 45 ms after a write). Dagster's resource and dbt-duckdb open it with the same
    configuration (`Settings.duckdb_config`; DuckDB refuses another beside an open database), so theirs join this
    one. The database is checkpointed and closed when the last connection closes, after the run.

    Yields whether it holds the warehouse: when the file cannot be opened (another process holds it, or it is not
    a DuckDB database) the steps open it themselves, as they would without this, and report what they meet."""
    import duckdb

    try:
        connection = duckdb.connect(str(settings.warehouse), config=settings.duckdb_config())
    except duckdb.Error as error:
        print(f"note: the warehouse is not held open for the run, each step opens it: {error}", file=sys.stderr)
        yield False
        return
    with connection:
        yield True


def failed_error_checks(result: ExecuteInProcessResult) -> list[str]:
    """One line per asset check of the run that failed with severity ERROR."""
    evaluations = (e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION")
    return [
        f"FAILED check {evaluation.asset_key.to_user_string()}:{evaluation.check_name}: {evaluation.description or ''}"
        for evaluation in evaluations
        if not evaluation.passed and evaluation.severity.value == "ERROR"
    ]


def run_build(settings: Settings, scan: Future[dict[str, FileState]], full_refresh: bool = False) -> int:
    """Run the build job over the organisations that changed (every one with `full_refresh`, or when it is not
    one organisation); 0 when every step and check passed. `scan`: the landing folder's states (`landing_scan`)."""
    from dagster import DagsterInstance

    from orchestration.definitions import BUILD_JOB, build_definitions
    from orchestration.defs.ingest.assets import DEVELOPMENT_KEY_WARNING
    from orchestration.defs.dbt.project import dbt_project_files
    from orchestration.defs.partitions import build_run, record_build
    from orchestration.lib.loader import RULES_VERSION
    from orchestration.lib.rebuild import project_fingerprint
    from orchestration.lib.progress import BuildProgress, asset_groups

    if settings.uses_development_key:
        print(f"WARNING: {DEVELOPMENT_KEY_WARNING}", file=sys.stderr)
    defs = build_definitions(settings)
    job = defs.resolve_job_def(BUILD_JOB)
    progress = BuildProgress(settings, asset_groups(defs))
    with DagsterInstance.get() as instance, progress.quiet():
        # Organisation partitions: docs/operations.md, "What `wres build` runs".
        code_version = f"{RULES_VERSION}:{project_fingerprint(dbt_project_files(), PROJECT_ROOT)}"
        run = build_run(instance, settings.landing_dir, code_version, full_refresh, states=scan.result())
        if run is None:
            result = None
        else:
            run_id = progress.listen(instance)
            with warehouse_held_open(settings):
                result = job.execute_in_process(
                    instance=instance, raise_on_error=False, run_id=run_id, tags=run.tags,
                    partition_key=run.organisation,
                )
    if result is None:
        print(f"nothing to build: no organisation code in the landing folder {settings.landing_dir}", file=sys.stderr)
        return 1
    failed = failed_error_checks(result)
    for line in failed:
        print(line)
    succeeded = result.success and not failed
    if succeeded:
        with DagsterInstance.get() as instance:
            record_build(instance, run)
    print(progress.summary(succeeded))
    print(f"warehouse: {settings.warehouse}\nexports:   {settings.exports_dir}")
    return 0 if succeeded else 1
