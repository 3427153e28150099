"""dbt inside the Dagster step's process, through dbt's programmatic entry point (`dbtRunner`).

dagster-dbt's `DbtCliResource` starts `dbt` as a subprocess and reads its JSON log from stdout. In the sample
build that subprocess took about 13 s where the same `dbt build` in the step's process takes about 8.5 s: the
subprocess imports dbt again (about 2.8 s; the step's process has it already, through dagster-dbt), writes
`manifest.json` twice, serialises every event to JSON for Dagster to parse back, and writes dbt's debug log.

`DbtRunnerResource` runs the same command with the same selection as dagster-dbt would (its
`get_updated_cli_invocation_params_for_context`), keeps dbt's result events as dicts shaped like its JSON log,
and turns them into Dagster events with dagster-dbt's own translation (`DbtCoreCliEventMessage`): the same
materialisations and check results as before.

What changes for an engineer (docs/operations.md, "dbt in the build"):
- dbt's log lines (info level, as `dbt build` prints them) go to the step's output, which `wres build` writes to
  its log file and the UI shows as the step's logs; dbt's debug log file is not written unless
  `DBT_LOG_LEVEL_FILE` is set (e.g. `debug`), then it is `dbt.log` in the run's target folder;
- the run's target folder (`dbt_project/target/<step>-<run>-<id>/`) has the compiled and run SQL and
  `run_results.json` (written from the results in memory), but no `manifest.json`: it is the one `dbt parse`
  wrote to `dbt_project/target/`; the newest `KEPT_RUN_FOLDERS` such folders are kept, older ones removed;
- dbt parses from `dbt_project/target/partial_parse.msgpack`, copied into the run's folder; when dbt had to parse
  again (its partial parsing is keyed by the profile, the warehouse's path among it, so a build with other
  settings than the last `dbt parse` parses the whole project: about 3 s nationally), the file it wrote replaces
  that one (`keep_partial_parse`), so the next build with the same settings parses only what changed.

dbt-duckdb keeps its DuckDB database open for the life of the process; `DbtRunnerResource` closes it after the
invocation, so the warehouse is free for the next step and for other processes, as when dbt exited. (In `wres build`
the run holds the warehouse open and dbt's connection joins it, `lib/build.py`: closing it closes only that
connection.)
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, ConfigurableResource
from dagster_dbt import DagsterDbtTranslator, DbtProject
from dagster_dbt.asset_utils import get_updated_cli_invocation_params_for_context
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from orchestration.lib.publish import atomic_path
from orchestration.settings import load_settings

# dbt's events that carry a node's result: dagster-dbt's `DbtCoreCliEventMessage.is_result_event`.
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
RUN_RESULTS_FILE = "run_results.json"
LOG_LEVEL_FILE = "DBT_LOG_LEVEL_FILE"  # dbt's own variable for its log file's level
# The target folders of the newest invocations kept (each about 5 MB: compiled and run SQL, partial-parse copy);
# older ones are removed as a new one starts, so that scheduled runs do not fill the disk.
KEPT_RUN_FOLDERS = 20


@dataclass(frozen=True)
class DbtRun:
    """What one in-process dbt invocation did."""

    success: bool
    error: str | None  # the exception that stopped dbt, or the messages of the nodes that failed with an error
    run_results: Mapping[str, Any]  # dbt's run_results.json
    result_events: Sequence[dict[str, Any]]  # dbt's result events, shaped as its JSON log lines
    manifest: Mapping[str, Any]
    translator: DagsterDbtTranslator
    project: DbtProject | None
    target_path: Path

    def asset_events(self, context: AssetExecutionContext) -> Iterator[Any]:
        """The Dagster events of the results (outputs of models and seeds, check results of tests), as
        dagster-dbt makes them from dbt's log."""
        for raw_event in self.result_events:
            yield from DbtCoreCliEventMessage(raw_event=raw_event, event_history_metadata={}) \
                .to_default_asset_events(
                    manifest=self.manifest, dagster_dbt_translator=self.translator, context=context,
                    target_path=self.target_path, project=self.project,
                )


def dbt_arguments(
    args: Sequence[str],
    selection_args: Sequence[str],
    *,
    project_dir: Path,
    profiles_dir: Path,
    target_path: Path,
    indirect_selection: str | None,
    log_level_file: str | None,
) -> list[str]:
    """The command line of the invocation: the command, dagster-dbt's selection, where dbt reads and writes, no
    JSON artifacts (`manifest.json` is the parse's; `run_results.json` is written from memory afterwards) and
    dbt's log file only when asked for."""
    return [
        *args,
        *selection_args,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(profiles_dir),
        "--target-path", str(target_path),
        "--log-path", str(target_path),
        "--log-level-file", log_level_file or "none",
        "--no-write-json",
        "--no-use-colors",
        *(["--indirect-selection", indirect_selection] if indirect_selection else []),
    ]


def write_run_results(result: Any, target_path: Path) -> dict[str, Any]:
    """dbt's `run_results.json` of the invocation, written to its target folder as dbt would and read back."""
    path = target_path / RUN_RESULTS_FILE
    result.write(str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def failure_summary(exception: BaseException | None, results: Sequence[Mapping[str, Any]]) -> str | None:
    """Why dbt failed: its exception, else the messages of the nodes that ended in error."""
    if exception is not None:
        return str(exception)
    errors = [f"{r['unique_id']}: {r.get('message') or ''}" for r in results if r.get("status") == "error"]
    return "\n".join(errors) or None


def close_dbt_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open for the life of the process (its `close_all_connections`
    drops the reference without closing it), releasing the warehouse file unless the run holds it open."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def prune_run_folders(target: Path, step: str, keep: int) -> list[Path]:
    """Remove all but the `keep` newest (by modification time) run folders `<step>-*` of `target`; return those
    removed."""
    folders = sorted((path for path in target.glob(f"{step}-*") if path.is_dir()),
                     key=lambda path: path.stat().st_mtime, reverse=True)
    for folder in folders[keep:]:
        shutil.rmtree(folder, ignore_errors=True)
    return folders[keep:]


def keep_partial_parse(written: Path, kept: Path) -> bool:
    """Make the partial-parse file dbt `written` in a run's folder the one the next invocation starts from
    (`kept`), when dbt wrote another than `kept`; whether it did. dbt writes it only when it parsed something."""
    if not written.exists() or (kept.exists() and filecmp.cmp(written, kept, shallow=False)):
        return False
    with atomic_path(kept, sync=False) as temporary:  # a cache: a lost copy only means parsing again
        shutil.copyfile(written, temporary)
    return True


class DbtRunnerResource(ConfigurableResource):
    """Runs a dbt command for an asset step inside the step's process (`build(context, args)`)."""

    project_dir: str
    profiles_dir: str

    def target_path(self, context: AssetExecutionContext) -> Path:
        """A folder of its own for the invocation, named as dagster-dbt names it."""
        name = f"{context.op_execution_context.op.name}-{context.run.run_id[:7]}-{str(uuid.uuid4())[:7]}"
        return Path(self.project_dir) / "target" / name

    def build(self, context: AssetExecutionContext, args: Sequence[str]) -> DbtRun:
        from dbt.cli.main import dbtRunner
        from dbt_common.events.functions import msg_to_dict

        params = get_updated_cli_invocation_params_for_context(
            context=context, manifest={}, dagster_dbt_translator=DagsterDbtTranslator()
        )
        project_dir = Path(params.dbt_project.project_dir) if params.dbt_project else Path(self.project_dir)
        target_path = self.target_path(context)
        prune_run_folders(target_path.parent, context.op_execution_context.op.name, KEPT_RUN_FOLDERS - 1)
        target_path.mkdir(parents=True, exist_ok=True)
        partial_parse = Path(self.project_dir) / "target" / PARTIAL_PARSE_FILE
        if partial_parse.exists():
            shutil.copy(partial_parse, target_path / PARTIAL_PARSE_FILE)
        arguments = dbt_arguments(
            args, params.selection_args, project_dir=project_dir, profiles_dir=Path(self.profiles_dir),
            target_path=target_path, indirect_selection=params.indirect_selection,
            log_level_file=os.environ.get(LOG_LEVEL_FILE),
        )
        events: list[dict[str, Any]] = []
        lock = threading.Lock()  # dbt fires events from its worker threads

        def keep_results(message: Any) -> None:
            if message.info.name in RESULT_EVENTS:
                event = msg_to_dict(message)
                with lock:
                    events.append(event)

        context.log.info(f"Running dbt in process: dbt {' '.join(arguments)}")
        load_settings().export_to_environment()  # dbt's `env_var()` reads the settings, defaults resolved
        try:
            outcome = dbtRunner(callbacks=[keep_results]).invoke(arguments)
        finally:
            close_dbt_duckdb()
        keep_partial_parse(target_path / PARTIAL_PARSE_FILE, partial_parse)
        results = write_run_results(outcome.result, target_path) if outcome.result is not None else {"results": []}
        return DbtRun(
            success=bool(outcome.success),
            error=None if outcome.success else failure_summary(outcome.exception, results["results"]),
            run_results=results,
            result_events=events,
            manifest=params.manifest,
            translator=params.dagster_dbt_translator,
            project=params.dbt_project,
            target_path=target_path,
        )
