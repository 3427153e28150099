"""Writing outputs so that a reader never sees a half-written file.

Every file is written to a temporary name in its own folder and renamed over the target (`os.replace`, atomic
on POSIX and Windows within one file system). A run killed mid-write leaves the previous file in place and at
worst a `.tmp-*` file, which the next run's writer removes.

Outputs hold special-category data (the returns carry exact counts), so where the platform has POSIX
permissions every file is made readable by its owner and the owner's group only (0640) and every folder this
module creates 0750.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb

from orchestration.lib.faults import PUBLISH_BEFORE_RENAME, fault_point

TEMP_PREFIX = ".tmp-"
FILE_MODE = 0o640
FOLDER_MODE = 0o750


def make_folder(folder: Path) -> None:
    """Create `folder` (and its parents) with owner-and-group permissions where the platform has them."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        for created in missing:
            os.chmod(created, FOLDER_MODE)


@contextlib.contextmanager
def atomic_path(target: Path, sync: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success rename it over `target`, on failure delete it. With
    `sync`, the temporary file's bytes reach the disk before the rename. Not needed for a hard link to a file
    already written (it writes no bytes, and its fsync costs a journal commit), nor for a file staged for a
    release, which makes the whole staging folder durable at once before it moves anything (`lib/release.py`)."""
    make_folder(target.parent)
    temporary = target.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex[:8]}-{target.name}")
    try:
        yield temporary
        if sync:
            with open(temporary, "rb") as written:
                os.fsync(written.fileno())
        if os.name == "posix":
            os.chmod(temporary, FILE_MODE)
        fault_point(f"{PUBLISH_BEFORE_RENAME}:{target.name}")
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files that a killed run left behind."""
    if folder.is_dir():
        for leftover in folder.rglob(f"{TEMP_PREFIX}*"):
            if leftover.is_file():
                leftover.unlink()


def _sql_string(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def write_text(target: Path, text: str, sync: bool = True) -> None:
    """Write a text file (UTF-8) in one piece (`sync`: as `atomic_path`)."""
    with atomic_path(target, sync) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_csv(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    with atomic_path(target) as temporary:
        con.execute(f"copy ({query}) to {_sql_string(temporary)} (format csv, header true, delimiter ',')")


def write_parquet(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    with atomic_path(target) as temporary:
        con.execute(f"copy ({query}) to {_sql_string(temporary)} (format parquet, compression zstd)")
