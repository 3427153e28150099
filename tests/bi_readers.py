"""Analysts who read `bi/wres.duckdb` while `wres build` runs (docs/analysts.md), as subprocesses the tests start
around their builds: a `fresh` reader opens the published file read-only, counts every table (and reads every
Parquet file) and closes it, again and again; a `held` reader opens it once and keeps that connection. Each
writes a JSON report (reads, failures, the files (inodes) it saw) after a last read once its stop file appears.
The readers are stopped one after the other, `fresh` first, so the held connection's last read comes after every
file the fresh reader saw.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.bi import BI_TABLES
from tests.harness import PROJECT_ROOT

MODES = ("fresh", "held")

READER = textwrap.dedent(
    """
    # Usage: python -c READER <database> <stop file> <report file> <table,table,...> <fresh|held>
    # fresh: open the path read-only, count every table (and read every Parquet file), close; again and again.
    # held: open the path once (as soon as it exists) and count every table through that one connection.
    # (Two processes: DuckDB hands a process that opens a path it already has open the database it has.)
    import json, os, sys, time, traceback
    from pathlib import Path
    import duckdb

    database, stop, report, tables, mode = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), \\
        sys.argv[4].split(","), sys.argv[5]
    parquet = [database.parent / f"{t}.parquet" for t in tables]
    reads, failures, inodes, held, published = 0, [], [], None, False
    inode_seen_at, last_read_at = [], None

    def count(con):
        found = sorted(n for (n,) in con.execute("select table_name from duckdb_tables()").fetchall())
        if found != sorted(tables):
            raise AssertionError(f"tables {found}")
        return sum(con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables)

    finishing = False
    while not finishing:
        finishing = stop.exists()  # then one last read: after every build, and after the readers stopped before
        if not database.exists():
            if published:
                failures.append(f"{time.time():.3f} the file disappeared")
            time.sleep(0.05)
            continue
        published = True
        try:
            if mode == "held":
                if held is None:
                    inodes.append(os.stat(database).st_ino)
                    held = duckdb.connect(str(database), read_only=True)
                if count(held) <= 0:
                    raise AssertionError("no rows")
            else:
                inode = os.stat(database).st_ino
                con = duckdb.connect(str(database), read_only=True)
                try:
                    count(con)
                finally:
                    con.close()
                for path in parquet:
                    duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchone()
                if not inodes or inodes[-1] != inode:
                    inodes.append(inode)
                    inode_seen_at.append(time.time())
            reads += 1
            last_read_at = time.time()
        except Exception:
            failures.append(f"{time.time():.3f} " + traceback.format_exc(limit=3))
        if not finishing:
            time.sleep(0.05 if mode == "fresh" else 0.2)  # eager analysts, not busy loops: the builds need the CPU
    report.write_text(json.dumps({"reads": reads, "failures": failures, "inodes": inodes,
                                  "inode_seen_at": inode_seen_at, "last_read_at": last_read_at}))
    """
)


def start_reader(mode: str, database: Path, stop: Path, report: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", READER, str(database), str(stop), str(report), ",".join(t.name for t in BI_TABLES),
         mode],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def finish(reader: subprocess.Popen) -> str:
    try:
        return reader.communicate(timeout=120)[0]
    except subprocess.TimeoutExpired:
        reader.kill()
        return reader.communicate()[0]


@dataclass
class Readers:
    """The two readers of one BI file, from start to stop."""

    database: Path
    folder: Path

    def start(self) -> None:
        self.processes = {mode: start_reader(mode, self.database, self.stop_file(mode), self.report(mode))
                          for mode in MODES}

    def stop_file(self, mode: str) -> Path:
        return self.folder / f"stop-{mode}"

    def report(self, mode: str) -> Path:
        return self.folder / f"{mode}.json"

    def stop(self) -> dict[str, dict]:
        """Stop the readers, one after the other in `MODES` order; their reports (a reader that wrote none reports
        its output as a failure)."""
        outputs = {}
        for mode, process in self.processes.items():
            self.stop_file(mode).touch()
            outputs[mode] = finish(process)
        return {
            mode: json.loads(self.report(mode).read_text()) if self.report(mode).exists()
            else {"reads": 0, "failures": [f"the {mode} reader wrote no report:\n{outputs[mode]}"], "inodes": []}
            for mode in MODES
        }
