"""Releasing a run's exports as one set (spec outputs.md: "a reader sees either the previous complete set or the
new one, never a half-written file").

Every export asset of a run writes into the run's staging folder, `<exports>/.staging/<run_id>/`, never into
the live folders. The release asset, which runs after all of them, moves the staged files over the live ones
(each move an atomic `os.replace` within one file system, the whole set in milliseconds) and then removes
the live files that the run's assets own but did not write again (the workbook of a year no longer reported,
the chart of an organisation no longer published). A run that fails or is killed before the release leaves
the live set exactly as it was; its staging folder is removed by the next release.

Before it moves anything, the release makes the staged files durable with one flush of their file system
(`make_durable`), so that a power cut after a move never leaves a live file whose bytes had not reached the disk.
The writers of the many per-organisation files (workbooks, charts, report pages) therefore do not sync each file:
about 4 ms each on a busy disk, for 3,400 files in a national build.

An asset owns a set of live files by declaring glob patterns (`declare_owned`) next to what it stages; only
the patterns of assets that ran in this run are applied, so a run that materialises some exports only never
deletes the files of the others.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

from orchestration.lib.publish import make_folder

STAGING = ".staging"
OWNERS = ".owners"


def staging_dir(exports_dir: Path, run_id: str) -> Path:
    return exports_dir / STAGING / run_id


def declare_owned(staging: Path, asset_name: str, patterns: list[str]) -> None:
    """Record that `asset_name` owns the live files matching `patterns` (globs relative to the exports folder)."""
    owners = staging / OWNERS
    make_folder(owners)
    (owners / f"{asset_name}.txt").write_text("\n".join(patterns) + "\n", encoding="utf-8")


def _owned_patterns(staging: Path) -> list[str]:
    owners = staging / OWNERS
    if not owners.is_dir():
        return []
    return [line for f in sorted(owners.iterdir()) for line in f.read_text(encoding="utf-8").splitlines() if line]


def release(exports_dir: Path, run_id: str) -> list[Path]:
    """Move the run's staged exports into place, remove the stale files its assets own; return the live paths."""
    staging = staging_dir(exports_dir, run_id)
    staged = sorted(
        p for p in staging.rglob("*") if p.is_file() and OWNERS not in p.relative_to(staging).parts
    ) if staging.is_dir() else []
    relative = {p.relative_to(staging) for p in staged}
    make_durable(staging, staged)
    released = []
    for path in staged:
        target = exports_dir / path.relative_to(staging)
        make_folder(target.parent)
        os.replace(path, target)
        released.append(target)
    for pattern in _owned_patterns(staging):
        for live in exports_dir.glob(pattern):
            if live.is_file() and live.relative_to(exports_dir) not in relative:
                live.unlink()
                _remove_empty_parents(live.parent, exports_dir)
    remove_staging(exports_dir)
    return released


def make_durable(folder: Path, files: list[Path]) -> None:
    """Make `files`, in `folder`, reach the disk: one flush of the file system that holds the folder (Linux
    `syncfs`; on other POSIX systems, or if it fails, `os.sync`, every file system), not an fsync a file. (Where
    there is no POSIX, each file is synced.)"""
    if not files:
        return
    if os.name != "posix":
        for path in files:
            with open(path, "rb") as written:
                os.fsync(written.fileno())
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
        if syncfs is None or syncfs(descriptor) != 0:
            os.sync()
    finally:
        os.close(descriptor)


def remove_staging(exports_dir: Path) -> None:
    """Remove every staging folder: this run's, emptied by the release, and those of runs that never released."""
    shutil.rmtree(exports_dir / STAGING, ignore_errors=True)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
