"""The `wres` command: set up, generate synthetic landing data, build every asset."""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import NoReturn

from orchestration.settings import PROJECT_ROOT, Settings, load_settings


def setup(settings: Settings) -> None:
    """Prepare what a run needs: Dagster's instance folder and a fresh dbt manifest."""
    from orchestration.defs.dbt.project import ensure_manifest

    settings.export_to_environment()
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    instance_config = settings.dagster_home / "dagster.yaml"
    if not instance_config.exists():
        shutil.copyfile(PROJECT_ROOT / "dagster.yaml", instance_config)
    ensure_manifest(settings)


def create_instance_storage(settings: Settings) -> None:
    """Create the Dagster instance's SQLite databases (runs, event log index, schedules) if they are not there, so
    that the first build does not (about 1 s: tables and migration stamps)."""
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(settings.dagster_home)):
        pass


def command_setup(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup(settings)
    create_instance_storage(settings)
    print("set-up complete: dbt manifest and Dagster instance are ready")
    return 0


def command_generate(args: argparse.Namespace) -> int:
    from orchestration.lib.generator import GeneratorOptions, generate

    settings = load_settings()
    out = Path(args.out).resolve() if args.out else settings.landing_dir
    options = GeneratorOptions(
        organisations=args.organisations,
        staff_per_organisation=args.staff,
        years=args.years,
        last_year=args.last_year,
        seed=args.seed,
        bad_rows=not args.clean,
        profile="national" if args.national else "sample",
    )
    summary = generate(out, options)
    print(f"wrote landing data to {out}: {summary}")
    return 0


def command_build(args: argparse.Namespace) -> int:
    from orchestration.lib.build import landing_scan, run_build

    settings = load_settings()
    with landing_scan(settings) as scan:
        setup(settings)
        return run_build(settings, scan, full_refresh=args.full_refresh)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="wres", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    commands.add_parser("setup", help="prepare the dbt manifest and the Dagster instance folder").set_defaults(
        handler=command_setup
    )

    build = commands.add_parser(
        "build", help="materialise every asset for the current settings, in one process (non-zero exit on failure)"
    )
    build.add_argument("--full-refresh", action="store_true",
                       help="rebuild every organisation and every dbt table from scratch (by default only what "
                            "changed since the last build is recomputed: docs/operations.md)")
    build.set_defaults(handler=command_build)

    generate = commands.add_parser("generate", help="write synthetic landing data (deterministic for a seed)")
    generate.add_argument("--out", help="landing folder to write (default: WRES_LANDING_DIR, i.e. data/landing)")
    generate.add_argument("--sample", action="store_true", help="the bundled sample: the defaults below")
    generate.add_argument("--organisations", type=int, default=4, help="number of organisations (default 4)")
    generate.add_argument("--staff", type=int, default=600, help="staff per organisation, on average (default 600)")
    generate.add_argument("--years", type=int, default=5, help="WRES years (default 5)")
    generate.add_argument("--last-year", type=int, default=2025, help="the last WRES year (default 2025)")
    generate.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    generate.add_argument("--clean", action="store_true", help="write no bad rows")
    generate.add_argument("--national", action="store_true",
                          help="the national profile: about 210 organisations of realistic sizes, five years "
                               "(--organisations and --staff are ignored)")
    generate.set_defaults(handler=command_generate)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)


def end_process(code: int) -> NoReturn:
    """End the process with `code` once its work is safely over, without the interpreter's teardown.

    After a build, Python spends about 2 s freeing every object Dagster, dbt, Great Expectations and pandas made
    (docs/performance.md, item 19). Nothing is left to do by then: the threads that are not daemons are joined,
    the exit handlers run (`logging` flushes its handlers in one), and the standard streams are flushed; only
    the freeing of memory is skipped, which the operating system does at once."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()  # the handlers `sys.exit` would run; `os._exit` does not
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def console() -> NoReturn:
    """The `wres` command: `main`, then `end_process` with its exit code (an exception, or `SystemExit` from
    `--help`, ends the process the usual way)."""
    end_process(main())


if __name__ == "__main__":
    console()
