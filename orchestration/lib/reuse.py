"""Reusing an export file whose inputs did not change since the last release, instead of drawing it again.

A per-organisation file (a trend chart, a scorecard workbook) is a pure function of the figures handed to its
writer and of the writer's code. Each such file gets a digest of both: the sha256 of the writer's arguments
(pickled; the target path left out) and of the source of the modules that draw it. The digests of a release are
kept beside its files, in `<exports>/.digests/<name>.json`, staged and released with them. In the next run a file
whose digest is the same as the live one's, and whose live file is still there, is put into the staging folder
as a hard link to the live file (a copy where the file system has no links) rather than drawn; any other file is
drawn. A link is safe because no export is ever written in place: a file is only replaced, by a rename, so the
live file's bytes never change under its second name (docs/performance.md, item 53). So a build after one
organisation's extract changed draws that organisation's files again (and any other whose figures moved), and
links the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from orchestration.lib.publish import atomic_path

DIGESTS = ".digests"


def code_digest(modules: Iterable[ModuleType]) -> str:
    """sha256 of the source of the modules that draw a file (a change of the drawing draws every file again)."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def inputs_digest(code: str, arguments: tuple) -> str:
    """sha256 of the code digest and of the writer's arguments (pickled: lists, dicts, numbers and text)."""
    return hashlib.sha256(code.encode() + pickle.dumps(arguments, protocol=5)).hexdigest()


@dataclass
class Reuse:
    """The digests of one kind of file (`name`): those of the live release, and those of this run."""

    name: str
    live_dir: Path | None
    staging_dir: Path
    code: str
    previous: dict[str, str] = field(default_factory=dict)
    current: dict[str, str] = field(default_factory=dict)
    reused: int = 0

    @classmethod
    def open(cls, name: str, live_dir: Path | None, staging_dir: Path, modules: Iterable[ModuleType]) -> Reuse:
        previous: dict[str, str] = {}
        path = live_dir / DIGESTS / f"{name}.json" if live_dir is not None else None
        if path is not None and path.exists():
            try:
                previous = dict(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                previous = {}  # an unreadable record only means drawing everything again
        return cls(name, live_dir, staging_dir, code_digest(modules), previous)

    def pending(self, target: Path, arguments: tuple) -> bool:
        """Record the digest of `target` (a path in the staging folder); link the live file there and return False
        when it is unchanged, else return True (the caller draws it)."""
        relative = target.relative_to(self.staging_dir).as_posix()
        digest = inputs_digest(self.code, arguments)
        self.current[relative] = digest
        live = self.live_dir / relative if self.live_dir is not None else None
        if live is None or self.previous.get(relative) != digest or not live.is_file():
            return True
        link_or_copy(live, target)
        self.reused += 1
        return False

    def save(self) -> None:
        """Stage the digests of this run's files, to be released with them."""
        with atomic_path(self.staging_dir / DIGESTS / f"{self.name}.json") as temporary:
            temporary.write_text(json.dumps(self.current, sort_keys=True, indent=0), encoding="utf-8")


def link_or_copy(source: Path, target: Path) -> None:
    """Put `source` at `target` in one piece (`lib/publish.py`): as a hard link, or as a copy where a link cannot be
    made (another file system)."""
    try:
        with atomic_path(target, sync=False) as temporary:
            os.link(source, temporary)
    except OSError:
        with atomic_path(target) as temporary:
            shutil.copyfile(source, temporary)


def write_changed(reuse: Reuse, jobs: list[tuple], target_of: Callable[[tuple], Path],
                  arguments_of: Callable[[tuple], tuple], draw: Callable[[list[tuple]], list[Path]]) -> list[Path]:
    """Draw the jobs whose inputs changed (`draw` them together, e.g. in a pool), link the others; return every
    target, and stage the digests."""
    changed = [job for job in jobs if reuse.pending(target_of(job), arguments_of(job))]
    draw(changed)
    reuse.save()
    return [target_of(job) for job in jobs]
