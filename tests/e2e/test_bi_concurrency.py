"""Analysts read `bi/wres.duckdb` while the pipeline runs (docs/analysts.md): a reader in another process that
opens the published file read-only, counts the rows of every table and closes it, in a loop, never fails while
`wres build` runs twice in a row; it sees the file appear and be replaced; and a connection it keeps open across
the replacement goes on reading the file it opened.

The builds are those of the session fixture `sample_builds` (tests/conftest.py): the readers (tests/bi_readers.py)
start before the first build, wait for the file to be published, and stop after the second build.
"""

from __future__ import annotations

import pytest

from orchestration.lib.bi import BI_DATABASE, BI_FOLDER, BI_TABLES

pytestmark = pytest.mark.slow


def test_readers_never_fail_while_builds_replace_the_bi_copy(sample_builds):
    for mode, report in sample_builds.readers.items():
        print(f"{mode} reader: {report['reads']} reads, {len(report['inodes'])} files seen")
        assert report["failures"] == [], "\n".join(report["failures"][:5])
    fresh, held = sample_builds.readers["fresh"], sample_builds.readers["held"]
    assert fresh["reads"] >= 10, fresh  # it read over and over (a count, not a timing: a build takes many seconds)
    assert len(fresh["inodes"]) >= 2, fresh  # it saw the first build's file replaced by the second's
    # one connection, opened on the first build's file, went on reading it after the second build replaced it
    assert len(held["inodes"]) == 1 and held["inodes"][0] == fresh["inodes"][0], (held, fresh)
    assert held["last_read_at"] > fresh["inode_seen_at"][1], (held, fresh)
    exports = sample_builds.second.exports
    assert not list((exports / BI_DATABASE).parent.glob(".tmp-*")), "a temporary file was left beside the BI copy"
    assert (exports / BI_FOLDER / f"{BI_TABLES[0].name}.parquet").exists()
