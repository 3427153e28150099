"""What is in the landing folder, and what changed since it was last looked at: for partitions and the sensor.

Dagster partitions the ingest and indicator build by organisation (`docs/operations.md`). Two things need to
know the organisations of the landing folder without touching the warehouse (which a running build may hold):

- `wres build` adds a partition for every organisation code found in the landing folder before it runs (with a
  cache of what it saw in DAGSTER_HOME, so that only new or changed files are read again);
- the landing sensor finds the new or changed files (by content hash, as the loader does) and the organisations
  they affect, and remembers what it saw in its cursor.

A file's organisations are the distinct values of its `organisation_code` column (trimmed, upper-cased, as the
loader stores them; blank values ignored), whether or not its rows will pass the loader's rules: a partition
exists for every organisation code that landed. A file the loader cannot read (not text, no
`organisation_code` column) has no organisations.

Hashing is stat-cached with the loader's key (`landing_files.stat_key`): a file is hashed again only when its
size, modification time, change time or inode differ from what was recorded; the content hash stays the truth,
so a file touched but not changed is not a change. The loader keeps its cache in the warehouse; the sensor keeps its
own in its cursor (`FileState`), because a sensor must not open the warehouse while a run writes it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib import landing_files
from orchestration.lib.landing_files import StatKey, stat_key
from orchestration.lib.publish import atomic_path
from orchestration.lib.contract import SOURCES

ORGANISATION_COLUMN = "organisation_code"
# From this size a file's (or a group of clean files') organisation codes are read by DuckDB (faster per byte,
# slower to start).
DUCKDB_MIN_BYTES = 1024 * 1024

@dataclass(frozen=True)
class FileState:
    """What was seen of one landing file: its stat key, content hash and organisations."""

    stat: StatKey
    sha256: str
    organisations: frozenset[str]


@dataclass(frozen=True)
class FileChange:
    """A new or changed landing file and the organisations it affects (those of its new and earlier content)."""

    source: str
    file_name: str
    sha256: str
    organisations: frozenset[str]


def file_key(source: str, file_name: str) -> str:
    return f"{source}/{file_name}"


def organisations_in_text(text: str) -> frozenset[str]:
    """The distinct organisation codes of a CSV text (header matched like the loader: case and spaces ignored)."""
    codes: set[str] = set()
    column: int | None = None
    try:
        for row in csv.reader(io.StringIO(text)):
            if column is None:
                if not any(field.strip() for field in row):
                    continue  # blank lines before the header
                keys = [landing_files.header_key(field) for field in row]
                if ORGANISATION_COLUMN not in keys:
                    return frozenset()
                column = keys.index(ORGANISATION_COLUMN)
            elif column < len(row) and row[column].strip():
                codes.add(row[column].strip().upper())
    except csv.Error:
        pass  # a field too large or a NUL byte: the codes read so far (the loader reports the file)
    return frozenset(codes)


def _organisations_by_duckdb(path: Path, data: bytes) -> frozenset[str] | None:
    """The organisation codes of a UTF-8 file whose first line is its header, read by DuckDB's CSV reader (about
    half as long as Python's; records it cannot parse are skipped); None when the file is not such a file or
    DuckDB cannot read it (a quoted line break, a line longer than its limit)."""
    plain = landing_files.plain_utf8(data)
    if plain is None or not plain[1].strip():
        return None
    body = plain[1]
    header = next(csv.reader(io.StringIO(body.split(b"\n", 1)[0].decode("utf-8").rstrip("\r"))), [])
    keys = [landing_files.header_key(name) for name in header]
    if ORGANISATION_COLUMN not in keys:
        return None if not any(keys) else frozenset()
    return _organisations_by_scan([path], tuple(header)).get(path)


def file_organisations(path: Path) -> frozenset[str]:
    """The organisation codes of a landing file (none if the loader could not read it as text): by DuckDB for a
    large file of plain UTF-8 with its header first, else by Python's CSV reader after the loader's decoding."""
    data = path.read_bytes()
    fast = _organisations_by_duckdb(path, data) if len(data) >= DUCKDB_MIN_BYTES else None
    if fast is not None:
        return fast
    try:
        text, _encoding = landing_files.decode(data)
    except landing_files.UnreadableFile:
        return frozenset()
    return organisations_in_text(text)


def _organisations_by_scan(paths: list[Path], header: tuple[str, ...]) -> dict[Path, frozenset[str]]:
    """The organisation codes of files whose first line is `header` (one with an organisation_code column), read
    in one DuckDB scan (records it cannot parse are skipped); {} when DuckDB cannot read them. Each file's
    distinct values are found first and only they are trimmed and upper-cased: the national landing set's codes
    took 4.5 s instead of 6.8 s (docs/performance.md, item 71)."""
    keys = [landing_files.header_key(name) for name in header]
    column = f"c{keys.index(ORGANISATION_COLUMN)}"
    columns = "{" + ", ".join(f"'c{i}': 'varchar'" for i in range(len(keys))) + "}"
    try:
        with duckdb.connect() as con:
            rows = con.execute(
                f"""
                with file_values as (
                    select distinct filename, {column} as value from read_csv(
                        ?, header = false, skip = 1, auto_detect = false, columns = {columns}, delim = ',',
                        quote = '"', escape = '"', strict_mode = false, null_padding = true, ignore_errors = true,
                        filename = true)
                )
                select filename, list(distinct upper(trim(value, ' \t\r')))
                from file_values
                where trim(value, ' \t\r') <> ''
                group by filename
                """,
                [[str(path) for path in paths]],
            ).fetchall()
    except duckdb.Error:
        return {}
    found = {name: frozenset(codes) for name, codes in rows}
    return {path: found.get(str(path), frozenset()) for path in paths}


def organisations_of_files(paths: Iterable[Path]) -> dict[Path, frozenset[str]]:
    """`file_organisations` of many files: clean files with the same header in one DuckDB scan when together they
    are large (a scan per file costs more than the reading at national scale: 3,100 files), the others one by
    one."""
    return organisations_of_shapes({path: organisation_shape(path.read_bytes()) for path in paths})


def organisation_shape(data: bytes) -> landing_files.CleanShape | None:
    """The shape by which the organisation scan reads a file's codes (`landing_files.clean_shape`, empty lines
    allowed: DuckDB skips them, and the scan reads codes, not line numbers)."""
    return landing_files.clean_shape(data, numbered=False)


def organisations_of_shapes(shapes: Mapping[Path, landing_files.CleanShape | None]) -> dict[Path, frozenset[str]]:
    """`organisations_of_files`, given each file's `organisation_shape`."""
    groups: dict[tuple[str, ...], list[Path]] = {}
    result: dict[Path, frozenset[str]] = {}
    for path, shape in shapes.items():
        header_keys = [landing_files.header_key(name) for name in shape.header] if shape is not None else []
        if ORGANISATION_COLUMN in header_keys:
            groups.setdefault(shape.header, []).append(path)
        else:
            result[path] = file_organisations(path)
    for header, group in groups.items():
        large = sum(path.stat().st_size for path in group) >= DUCKDB_MIN_BYTES
        read = _organisations_by_scan(group, header) if large else {}
        result.update(read or {path: file_organisations(path) for path in group})
    return result


def landing_paths(landing_dir: Path, sources: Iterable[str] | None = None) -> dict[str, tuple[str, Path]]:
    """Every landing file of every source, by `source/file_name` (the loader's discovery rule)."""
    names = list(sources) if sources is not None else [source.name for source in SOURCES]
    return {
        file_key(f.source, f.file_name): (f.source, f.path)
        for name in names
        for f in landing_files.discover(landing_dir, name)
    }


@dataclass(frozen=True)
class FileLook:
    """One read of a landing file whose stat changed: its hash, and (when its content is new) its shape."""

    stat: StatKey
    sha256: str
    changed: bool  # the content differs from what `previous` recorded (or nothing was recorded)
    shape: landing_files.CleanShape | None


def look_at_file(path: Path, stat: StatKey, known: FileState | None) -> FileLook:
    """Read a file once: hash it and, when its content is new, take its `organisation_shape` from the same bytes."""
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if known is not None and known.sha256 == sha:
        return FileLook(stat, sha, changed=False, shape=None)  # touched, not changed
    return FileLook(stat, sha, changed=True, shape=organisation_shape(data))


def scan_landing(landing_dir: Path, previous: Mapping[str, FileState]) -> dict[str, FileState]:
    """The state of every landing file, reusing `previous` where a file's stat (or else its hash) is unchanged.

    Each file whose stat changed is read once, for its hash and its shape, by one thread per CPU (reading and
    hashing release the interpreter's lock): at national scale, 2.8 GB are read before the first build."""
    paths = landing_paths(landing_dir)
    states: dict[str, FileState] = {}
    to_look: dict[str, tuple[Path, StatKey]] = {}
    for key, (_source, path) in paths.items():
        stat = stat_key(path)
        known = previous.get(key)
        if known is not None and known.stat == stat:
            states[key] = known
        else:
            to_look[key] = (path, stat)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        looks = dict(zip(to_look, pool.map(lambda key: look_at_file(*to_look[key], previous.get(key)), to_look)))
    changed = {key: look for key, look in looks.items() if look.changed}
    organisations = organisations_of_shapes({to_look[key][0]: look.shape for key, look in changed.items()})
    for key, look in looks.items():
        found = organisations[to_look[key][0]] if look.changed else previous[key].organisations
        states[key] = FileState(look.stat, look.sha256, found)
    return {key: states[key] for key in paths}


def changed_files(previous: Mapping[str, FileState], current: Mapping[str, FileState]) -> list[FileChange]:
    """New files and files whose content hash changed, in key order. A removed file is not a change: the loader
    keeps what it loaded from it (`docs/operations.md`)."""
    changes = []
    for key in sorted(current):
        state, before = current[key], previous.get(key)
        if before is not None and before.sha256 == state.sha256:
            continue
        source, file_name = key.split("/", 1)
        organisations = state.organisations | (before.organisations if before else frozenset())
        changes.append(FileChange(source, file_name, state.sha256, organisations))
    return changes


# What `wres build` last saw of the landing folder (files' stat, hash and organisations), in DAGSTER_HOME.
LANDING_CACHE = "wres_landing_organisations.json"


def landing_states(landing_dir: Path, cache: Path | None = None) -> dict[str, FileState]:
    """The state of every landing file. With a `cache` file (the states of the last call), only new or changed
    files are read again (the stat cache of `scan_landing`); the cache is rewritten."""
    previous = read_states(cache) if cache is not None else {}
    states = scan_landing(landing_dir, previous)
    if cache is not None:
        write_states(cache, states)
    return states


def seen_hashes(cache: Path, source: str) -> dict[str, tuple[StatKey, str]]:
    """File name -> (stat key, content hash) of the source's files in a cache of `landing_states` ({} without
    one): what the loader need not hash again while a file's stat is unchanged."""
    prefix = file_key(source, "")
    return {
        key.removeprefix(prefix): (state.stat, state.sha256)
        for key, state in read_states(cache).items() if key.startswith(prefix)
    }


def organisations_of(states: Mapping[str, FileState]) -> list[str]:
    """Every organisation code of the files, sorted."""
    return sorted(set().union(*(state.organisations for state in states.values())))


def landing_organisations(landing_dir: Path, cache: Path | None = None) -> list[str]:
    """Every organisation code found in the landing folder, sorted (`landing_states`, with its cache)."""
    return organisations_of(landing_states(landing_dir, cache))


def read_states(path: Path) -> dict[str, FileState]:
    """The states written to `path` by `write_states` ({} when there is none or it cannot be read: a cache)."""
    if not path.exists():
        return {}
    try:
        return load_states(path.read_text(encoding="utf-8")) or {}
    except (ValueError, KeyError, IndexError, TypeError):
        return {}


def write_states(path: Path, states: Mapping[str, FileState]) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(dump_states(states), encoding="utf-8")


def states_to_json(states: Mapping[str, FileState]) -> dict[str, list]:
    """The states as JSON-ready data: by file key, [size, mtime, ctime, inode, sha256, organisations]."""
    return {key: [*s.stat, s.sha256, sorted(s.organisations)] for key, s in sorted(states.items())}


def states_from_json(data: Mapping[str, list]) -> dict[str, FileState]:
    return {
        key: FileState((int(v[0]), int(v[1]), int(v[2]), int(v[3])), str(v[4]), frozenset(v[5]))
        for key, v in data.items()
    }


def dump_states(states: Mapping[str, FileState]) -> str:
    """The states as a compact JSON text (a sensor cursor)."""
    return json.dumps(states_to_json(states), separators=(",", ":"))


def load_states(text: str | None) -> dict[str, FileState] | None:
    """The states of a cursor written by `dump_states`; None for no cursor (never evaluated)."""
    if not text:
        return None
    return states_from_json(json.loads(text))
