"""The loader's fast paths change nothing but speed (orchestration/lib/loader.py, "At national scale"):

- an incremental load (only the organisations whose records changed are validated again) always leaves exactly
  the tables a fresh load of the same landing folder makes;
- clean files read together in one DuckDB scan give exactly what the per-file path gives, those whose quoted
  fields hold line breaks too;
- the stat cache never hides a content change, and a touched but unchanged file changes nothing; nor do the
  hashes of the scan before the run, which the loader takes for files whose stat has not changed since.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

from orchestration.lib import landing_files
from tests.rules.test_file_rules import (
    STAFF_IN_POST_HEADER,
    TRAINING_HEADER,
    Warehouse,
    csv_text,
    sip,
    training,
)

def snapshot(wh: Warehouse, sources: tuple[str, ...] = ("staff_in_post", "training")) -> dict[str, list[tuple]]:
    tables = {
        table: wh.table(f"raw.{table}")
        for source in sources for table in (source, f"{source}__held", f"{source}__records")
    }
    tables["quarantine"] = wh.table("(select * from raw.quarantine)")
    tables["load_log"] = wh.table(
        "(select source, file_name, content_sha256, rows_read, rows_loaded, rows_quarantined, status "
        "from raw.load_log)"
    )
    return tables


def warehouse(path) -> Warehouse:
    path.mkdir(parents=True, exist_ok=True)
    return Warehouse(path)


def fresh_load(tmp_path, landing) -> dict[str, list[tuple]]:
    fresh = warehouse(tmp_path / "fresh")
    shutil.rmtree(fresh.landing)
    shutil.copytree(landing, fresh.landing)
    for source in ("staff_in_post", "training"):
        fresh.load(source)
    return snapshot(fresh)


def load_both(wh: Warehouse) -> None:
    for source in ("staff_in_post", "training"):
        wh.load(source)


def test_every_incremental_step_equals_a_fresh_load(tmp_path):
    wh = warehouse(tmp_path / "incremental")
    # Two organisations; one file holds both, so a change to it touches both.
    wh.write("staff_in_post", "A.csv", csv_text(STAFF_IN_POST_HEADER, sip("A1", org="RA1"), sip("A2", org="RA1")))
    wh.write("staff_in_post", "B.csv", csv_text(STAFF_IN_POST_HEADER, sip("B1", org="RB1"), sip("B2", org="RB1", fte="9")))
    wh.write("staff_in_post", "AB.csv", csv_text(STAFF_IN_POST_HEADER, sip("A3", org="RA1"), sip("B3", org="RB1")))
    wh.write("training", "t.csv", csv_text(TRAINING_HEADER, training("T1", org="RA1"), training("T2", org="RB1")))
    steps = [
        # re-issue RA1's file: a corrected row, a new duplicate of a key held in another file, a blank org
        lambda: wh.write("staff_in_post", "A.csv", csv_text(
            STAFF_IN_POST_HEADER, sip("A1", org="RA1", fte="0.5"), sip("A3", org="RA1"), sip("A9", org=""))),
        # a file arrives whose name sorts first: its key now wins over AB.csv's, which becomes the duplicate
        lambda: wh.write("staff_in_post", "0.csv", csv_text(STAFF_IN_POST_HEADER, sip("A3", org="ra1"))),
        # a file is rejected (no staff_group): the earlier version of B.csv stays (which a fresh load, never
        # having seen it, cannot know: checked apart below)
        lambda: wh.write("staff_in_post", "B.csv", "organisation_code,snapshot_date\nRB1,2024-03-31\n"),
        # ... and corrected
        lambda: wh.write("staff_in_post", "B.csv", csv_text(STAFF_IN_POST_HEADER, sip("B1", org="RB1"))),
        # a file that needs the per-file path (CRLF and LF mixed, a blank line) beside clean ones
        lambda: wh.write("staff_in_post", "C.csv",
                         f"{STAFF_IN_POST_HEADER}\r\n{sip('C1', org='RC1')}\n\n{sip('C2', org='RC1')}\r\n"),
        lambda: wh.write("training", "t.csv", csv_text(TRAINING_HEADER, training("T1", org="RA1"))),
    ]
    load_both(wh)
    assert snapshot(wh) == fresh_load(tmp_path / "step0", wh.landing)
    for number, step in enumerate(steps, start=1):
        step()
        wh.reconnect()
        load_both(wh)
        if number == 3:
            assert [r for r in wh.rows("staff_in_post", "_file_name, assignment_number") if r[0] == "B.csv"] == [
                ("B.csv", "B1")]  # the earlier version's valid row (B2 was quarantined for its fte)
            continue
        assert snapshot(wh) == fresh_load(tmp_path / f"step{number}", wh.landing), f"step {number}"


def loaded_both_ways(tmp_path, monkeypatch, source: str, files: dict[str, str]) -> tuple[Warehouse, Warehouse]:
    """`files` loaded by the loader's scan of clean files (each must be clean for it) and, apart, by the per-file
    path."""
    together = warehouse(tmp_path / "together")
    for name, text in files.items():
        together.write(source, name, text)
        assert landing_files.clean_shape(text.encode(), quoted_line_breaks=True) is not None
    together.load(source)

    monkeypatch.setattr(landing_files, "clean_shape", lambda data, **_: None)  # force the per-file path
    alone = warehouse(tmp_path / "alone")
    for name, text in files.items():
        alone.write(source, name, text)
    alone.load(source)
    return together, alone


def test_clean_files_read_together_equal_the_per_file_path(tmp_path, monkeypatch):
    rows = [sip(f"A{i}", org="RA1" if i % 2 else "RB1", fte="7" if i == 5 else "1") for i in range(12)]
    files = {f"{n}.csv": csv_text(STAFF_IN_POST_HEADER, *rows[n * 4:(n + 1) * 4] + [rows[0]]) for n in range(3)}
    together, alone = loaded_both_ways(tmp_path, monkeypatch, "staff_in_post", files)
    assert snapshot(together, ("staff_in_post",)) == snapshot(alone, ("staff_in_post",))


def test_quoted_line_breaks_read_together_equal_the_per_file_path(tmp_path, monkeypatch):
    """Records numbered one by one as the per-file path numbers them: a record's line is one more than the
    records before it, whatever the line breaks inside their quoted fields; a file of nearly
    `QUOTED_LINE_BREAKS_MAX_BYTES`, which DuckDB's threads could split, gives the same rows."""
    notes = '"first line\nsecond, with a comma\nthird ""quoted"""'
    small = csv_text(TRAINING_HEADER, training("T1", course_name=notes), training("T2", activity_date="2024-02-30"),
                     training("T3", course_name='"a\nb"'), training("T1", course_name="again"))
    rows = [training(f"L{i}", course_name=notes if i % 3 else "plain", activity_date="bad" if i % 997 == 0
                     else "2024-01-01") for i in range(14000)]
    large = csv_text(TRAINING_HEADER, *rows)
    limit = landing_files.QUOTED_LINE_BREAKS_MAX_BYTES
    assert 0.8 * limit < len(large) <= limit
    files = {"a.csv": small, "b.csv": large, "c.csv": csv_text(TRAINING_HEADER, training("T4"))}
    together, alone = loaded_both_ways(tmp_path, monkeypatch, "training", files)
    assert snapshot(together, ("training",)) == snapshot(alone, ("training",))
    assert [q[:3] for q in together.quarantine("training") if q[0] == "a.csv"] == [
        ("a.csv", 3, "activity_date"), ("a.csv", 5, "record_id")]


def test_a_touched_file_changes_nothing_and_a_same_size_edit_is_seen(tmp_path):
    wh = Warehouse(tmp_path)
    path = wh.write("training", "t.csv", csv_text(TRAINING_HEADER, training("T1"), training("T2")))
    wh.load("training")
    before = snapshot(wh, ("training",))

    os.utime(path)  # touched: new modification time, same content
    assert wh.load("training").unchanged
    assert snapshot(wh, ("training",)) == before

    stat = path.stat()  # the same size, the modification time put back: the change time still differs
    path.write_bytes(path.read_bytes().replace(b"T2", b"T3"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = wh.load("training")
    assert not result.unchanged
    assert wh.rows("training", "record_id") == [("T1",), ("T3",)]


def test_a_snapshot_in_the_future_is_validated_again_once_its_day_has_come_and_not_before(tmp_path):
    wh = Warehouse(tmp_path)  # the day of the run: 2026-11-22
    wh.write("staff_in_post", "a.csv", csv_text(
        STAFF_IN_POST_HEADER, sip("A1", org="RA1"), sip("A2", org="RA1", snapshot="2026-11-24")))
    wh.write("staff_in_post", "b.csv", csv_text(STAFF_IN_POST_HEADER, sip("B1", org="RB1")))
    wh.load("staff_in_post")
    quarantined = [("a.csv", 3, "snapshot_date", "snapshot_date is after the day of the run")]
    assert wh.quarantine("staff_in_post") == quarantined

    # Before its day, nothing is validated again (the files are unchanged).
    for day in (dt.date(2026, 11, 22), dt.date(2026, 11, 23)):
        assert wh.load("staff_in_post", run_date=day).unchanged
    assert wh.quarantine("staff_in_post") == quarantined

    # On its day, only its organisation is, and the row loads.
    on_the_day = wh.load("staff_in_post", run_date=dt.date(2026, 11, 24))
    assert on_the_day.changed_organisations == {"RA1"}
    assert wh.quarantine("staff_in_post") == []
    assert wh.rows("staff_in_post", "assignment_number") == [("A1",), ("A2",), ("B1",)]
    assert wh.load("staff_in_post", run_date=dt.date(2026, 11, 25)).unchanged


def test_a_file_hashed_before_the_run_is_not_hashed_again_unless_its_stat_changed(tmp_path, monkeypatch):
    from orchestration.lib.contract import SOURCES_BY_NAME
    from orchestration.lib.landing_changes import landing_states, seen_hashes
    from orchestration.lib.loader import load_source

    wh = Warehouse(tmp_path)
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1")))
    edited = wh.write("training", "b.csv", csv_text(TRAINING_HEADER, training("T2")))
    cache = tmp_path / "landing.json"
    landing_states(wh.landing, cache)  # the scan before the run
    seen = seen_hashes(cache, "training")
    assert sorted(seen) == ["a.csv", "b.csv"]
    edited.write_bytes(edited.read_bytes().replace(b"T2", b"T3"))  # after the scan: its stat differs
    hashed = []
    monkeypatch.setattr(landing_files, "sha256_file", lambda path: hashed.append(path.name) or landing_files.sha256(
        path.read_bytes()))

    load_source(wh.con, SOURCES_BY_NAME["training"], wh.landing, wh.seeds_dir, wh.run_date, seen=seen)

    assert hashed == ["b.csv"]
    assert wh.rows("training", "record_id") == [("T1",), ("T3",)]
