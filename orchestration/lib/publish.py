"""Writing outputs so that a reader never sees a half-written file.

Every file is written to a temporary name in its own folder and renamed over the target (`os.replace`, atomic
on POSIX and Windows within one file system). A run killed mid-write leaves the previous file in place and at
worst a `.tmp-*` file, which the next run's writer removes.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb

TEMP_PREFIX = ".tmp-"


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success rename it over `target`, on failure delete it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex[:8]}-{target.name}")
    try:
        yield temporary
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
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


def write_csv(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    with atomic_path(target) as temporary:
        con.execute(f"copy ({query}) to {_sql_string(temporary)} (format csv, header true, delimiter ',')")


def write_parquet(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    with atomic_path(target) as temporary:
        con.execute(f"copy ({query}) to {_sql_string(temporary)} (format parquet, compression zstd)")
