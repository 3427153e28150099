"""Every setting of the warehouse, in one place.

Settings are environment variables with defaults inside the repository (all gitignored):

| variable            | default                    | what it is                                   |
|---------------------|----------------------------|----------------------------------------------|
| WRES_LANDING_DIR    | data/landing               | the landing folder (the sample data by default) |
| WRES_WAREHOUSE      | data/wres.duckdb           | the pipeline's working DuckDB file           |
| WRES_EXPORTS_DIR    | exports                    | where every export is written                |
| WRES_RUN_DATE       | today                      | "the day of the run" of the file rules (YYYY-MM-DD) |
| WRES_THREADS        | number of CPUs             | DuckDB and dbt threads                       |
| WRES_MEMORY_LIMIT   | 2.75GB                     | DuckDB's memory limit (Dagster and dbt alike); beyond it DuckDB spills to disk |
| DAGSTER_HOME        | .dagster_home              | Dagster's instance folder (run history)      |
| WRES_PSEUDONYMISATION_KEY | a development key    | the secret of the keyed hash (HMAC-SHA256) that replaces staff identifiers |

The same `WRES_WAREHOUSE` value drives Dagster's DuckDB resource and dbt's profile: `dbt_env()` passes it
to the `dbt parse` subprocess, `export_to_environment()` to the build's in-process dbt (`defs/dbt/runner.py`),
and `dbt_project/profiles.yml` reads it with `env_var('WRES_WAREHOUSE')`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEVELOPMENT_KEY = "wres-development-key-not-for-real-data"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = PROJECT_ROOT / "seeds"
# The national build peaks under 4 GiB with it; 2.5GB runs out in the survey models at national scale, 3GB peaks
# just over 4 GiB (docs/performance.md, item 17).
DEFAULT_MEMORY_LIMIT = "2.75GB"
# Dagster's own tuning, set for every process the warehouse starts (`export_to_environment`; `make dev` too): a run
# over a range of organisation partitions records one "materialisation planned" event per asset rather than one
# per asset and organisation (about 15,000 SQLite writes, minutes, before a national run starts). Dagster's
# documented cost: the partitions of a failed run are not marked failed in the UI (the run is). And the
# materialisations of a partition range are stored in batches of up to 1,000, one transaction per batch
# (`orchestration/lib/event_log.py`: 0.5 ms an event instead of 2 ms; 13,500 events in a national build).
DAGSTER_ENVIRONMENT = {
    "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "true",
    "DAGSTER_EVENT_BATCH_SIZE": "1000",
}


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable, "").strip()
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path
    exports_dir: Path
    run_date_override: dt.date | None
    threads: int
    memory_limit: str
    dagster_home: Path
    pseudonymisation_key: str

    @property
    def uses_development_key(self) -> bool:
        return self.pseudonymisation_key == DEVELOPMENT_KEY

    @property
    def run_date(self) -> dt.date:
        """The day of the run: WRES_RUN_DATE if set, else today (read at run time, not at start-up)."""
        return self.run_date_override or dt.date.today()

    def environment(self) -> dict[str, str]:
        """The settings as environment variables, with paths resolved."""
        variables = {
            "WRES_LANDING_DIR": str(self.landing_dir),
            "WRES_WAREHOUSE": str(self.warehouse),
            "WRES_EXPORTS_DIR": str(self.exports_dir),
            "WRES_THREADS": str(self.threads),
            "WRES_MEMORY_LIMIT": self.memory_limit,
            "DAGSTER_HOME": str(self.dagster_home),
        }
        if self.run_date_override:
            variables["WRES_RUN_DATE"] = self.run_date_override.isoformat()
        return variables

    def export_to_environment(self) -> None:
        """Make these settings the process's own, so that dbt (in this process or another) and Dagster step
        processes read the same values, and create the warehouse's folder."""
        os.environ.update(self.environment())
        for variable, value in DAGSTER_ENVIRONMENT.items():
            os.environ.setdefault(variable, value)
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)

    def duckdb_config(self) -> dict[str, str | int | bool]:
        """DuckDB settings of every connection the pipeline opens: Dagster's resource, and dbt's profile
        (`config_options`), which must give the same values with the same types, so that in `wres build` all of
        them join the one database the run holds open (`build.warehouse_held_open`). The user agent is set so
        that the resource's default ("dagster") does not make its configuration differ from dbt's."""
        return {"threads": self.threads, "memory_limit": self.memory_limit, "allocator_background_threads": True,
                "custom_user_agent": "wres"}

    def dbt_env(self) -> dict[str, str]:
        """Environment for a dbt subprocess: the same warehouse file and thread count as Dagster."""
        return {**os.environ, **self.environment(), "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR)}


def load_settings() -> Settings:
    """Read the settings from the environment (called at run time, never cached, so tests can vary them)."""
    run_date_text = os.environ.get("WRES_RUN_DATE", "").strip()
    threads_text = os.environ.get("WRES_THREADS", "").strip()
    return Settings(
        landing_dir=_path("WRES_LANDING_DIR", PROJECT_ROOT / "data" / "landing"),
        warehouse=_path("WRES_WAREHOUSE", PROJECT_ROOT / "data" / "wres.duckdb"),
        exports_dir=_path("WRES_EXPORTS_DIR", PROJECT_ROOT / "exports"),
        run_date_override=dt.date.fromisoformat(run_date_text) if run_date_text else None,
        threads=int(threads_text) if threads_text else (os.cpu_count() or 2),
        memory_limit=os.environ.get("WRES_MEMORY_LIMIT", "").strip() or DEFAULT_MEMORY_LIMIT,
        dagster_home=_path("DAGSTER_HOME", PROJECT_ROOT / ".dagster_home"),
        pseudonymisation_key=os.environ.get("WRES_PSEUDONYMISATION_KEY", "") or DEVELOPMENT_KEY,
    )
