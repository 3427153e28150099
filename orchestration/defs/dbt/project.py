"""The dbt project as Dagster sees it, and the manifest it is built from.

The manifest (`dbt_project/target/manifest.json`) is produced by `dbt parse`. `ensure_manifest()` parses only
when the manifest is missing or older than a file of the dbt project, so a developer's edit to a model is picked
up and an unchanged project is never parsed twice (every Dagster step subprocess imports these definitions).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
_SOURCE_DIRS = (PROJECT_ROOT / "models", PROJECT_ROOT / "seeds", DBT_PROJECT_DIR / "macros", DBT_PROJECT_DIR / "tests")
_SOURCE_FILES = (DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml")


def dbt_project_files() -> list[Path]:
    files = [p for d in _SOURCE_DIRS if d.is_dir() for p in d.rglob("*") if p.is_file()]
    return files + [p for p in _SOURCE_FILES if p.exists()]


def manifest_is_stale(manifest: Path = MANIFEST) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(p.stat().st_mtime > built for p in dbt_project_files())


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def ensure_manifest(settings: Settings) -> None:
    """Run `dbt parse` when the manifest is missing or stale."""
    if not manifest_is_stale():
        return
    subprocess.run(
        [dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        check=True,
        env=settings.dbt_env(),
        cwd=DBT_PROJECT_DIR,
    )


def wres_dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
