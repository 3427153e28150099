"""Atomic publishing, permissions, and formula-injection neutralisation of exported text."""

from __future__ import annotations

import csv
import os
import stat

import duckdb
import pytest

from orchestration.lib.export_tables import ExportTable, neutralised
from orchestration.lib.publish import atomic_path, remove_stale_temporaries, write_csv


def test_atomic_path_replaces_the_target_only_on_success(tmp_path):
    target = tmp_path / "out" / "table.csv"
    with atomic_path(target) as temporary:
        temporary.write_text("first")
    assert target.read_text() == "first"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temporary:
            temporary.write_text("half-writ")
            raise RuntimeError("killed")
    assert target.read_text() == "first"
    assert [p.name for p in target.parent.iterdir()] == ["table.csv"]


def test_stale_temporaries_are_removed(tmp_path):
    (tmp_path / ".tmp-0123abcd-table.csv").write_text("left by a killed run")
    (tmp_path / "table.csv").write_text("kept")
    remove_stale_temporaries(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions only")
def test_outputs_are_owner_and_group_only(tmp_path):
    target = tmp_path / "new" / "folder" / "file.csv"
    with atomic_path(target) as temporary:
        temporary.write_text("x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o750


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("RHX", "RHX"),
        ("", ""),
    ],
)
def test_source_text_that_looks_like_a_formula_is_neutralised(tmp_path, text, written):
    table = ExportTable(name="t", folder="f", relation="t", columns=("code", "value"), order_by=("code",),
                        source_text=("code",))
    with duckdb.connect() as con:
        con.execute("create table t as select ? as code, -3.5 as value", [text])
        write_csv(con, table.query(), tmp_path / "t.csv")
    with open(tmp_path / "t.csv", newline="") as handle:
        assert list(csv.reader(handle))[1] == [written, "-3.5"]


def test_neutralised_sql_names_the_column():
    assert neutralised("file_name").endswith('as "file_name"')
