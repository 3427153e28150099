"""Property-based test of the loader: random valid and invalid rows of training and staff_in_post, written as
CSV files (random quoting, line ends, blank records, header spelling, byte-order mark), loaded, and checked:

- for every file, rows read = rows loaded + rows quarantined, rows read = the rows written and rows quarantined
  = the invalid rows written;
- the quarantine holds exactly the invalid rows, at the line numbers worked out while writing;
- adding a file of invalid rows only leaves every loaded raw table unchanged (and quarantines each of them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rules.test_file_rules import Warehouse

# Free text: letters, digits, spaces and the characters CSV has to quote (comma, quote, line feed).
TEXT = st.text(alphabet="abcXYZ019 ,\"\n'é–", max_size=12)

STAFF_GROUPS = ["Students", "STUDENTS", "nursing and midwifery registered", "Medical and Dental"]
BAD_DATES = ["31/02/2024", "2023-02-29", "2024-13-01", "1/1/24", "2024/01/01", "32/1/2024", "x"]


def date_text(day: dt.date, style: int) -> str:
    return [day.isoformat(), f"{day.day}/{day.month}/{day.year}", f"{day.day:02d}/{day.month:02d}/{day.year}"][style]


DATES = st.builds(date_text, st.dates(dt.date(2000, 1, 1), dt.date(2026, 11, 22)), st.integers(0, 2))


def parse_date(text: str) -> dt.date:
    if "-" in text:
        return dt.date.fromisoformat(text)
    day, month, year = (int(part) for part in text.split("/"))
    return dt.date(year, month, day)


@dataclass(frozen=True)
class SourceShape:
    name: str
    columns: tuple[str, ...]
    defects: tuple[str, ...]  # the ways a generated row can be invalid
    text_column: str  # a free-text column whose loaded values are checked


TRAINING = SourceShape(
    "training",
    ("organisation_code", "record_id", "employee_number", "course_code", "course_name", "category", "activity_date"),
    ("blank:organisation_code", "blank:record_id", "blank:employee_number", "blank:category", "blank:activity_date",
     "bad_date", "duplicate"),
    "course_name",
)
STAFF_IN_POST = SourceShape(
    "staff_in_post",
    ("organisation_code", "snapshot_date", "employee_number", "assignment_number", "primary_assignment",
     "assignment_category", "staff_group", "fte"),
    ("blank:snapshot_date", "blank:assignment_number", "blank:staff_group", "bad_date", "bad_flag", "bad_decimal",
     "future", "fte_range", "staff_group", "duplicate"),
    "assignment_category",
)
SHAPES = {s.name: s for s in (TRAINING, STAFF_IN_POST)}


@st.composite
def valid_row(draw, shape: SourceShape, number: int) -> dict[str, str]:
    """A row that passes every rule, with a key no other generated row has (`number` is unique)."""
    org = draw(st.sampled_from(["R1A", "r1a", " R1A ", "RXY"]))
    if shape is TRAINING:
        return {
            "organisation_code": org,
            "record_id": f"T{number}",
            "employee_number": f"E{draw(st.integers(0, 9))}",
            "course_code": draw(TEXT),
            "course_name": draw(TEXT),
            "category": draw(st.sampled_from(["CPD", "statutory", "Mandatory "])),
            "activity_date": draw(DATES),
        }
    return {
        "organisation_code": org,
        "snapshot_date": draw(DATES),
        "employee_number": f"E{draw(st.integers(0, 9))}",
        "assignment_number": f"A{number}",
        "primary_assignment": draw(st.sampled_from(["", "Y", "no", "TRUE"])),
        "assignment_category": "c" + draw(TEXT),
        "staff_group": draw(st.sampled_from(STAFF_GROUPS)),
        "fte": draw(st.sampled_from(["", "1", "0.5", "1.5", "0.01"])),
    }


@st.composite
def invalid_row(draw, shape: SourceShape, number: int, earlier_valid: list[dict[str, str]]) -> dict[str, str]:
    """A row that breaks at least one rule (so it is quarantined once, whatever else it breaks)."""
    row = dict(draw(valid_row(shape, number)))
    defects = [d for d in shape.defects if d != "duplicate" or earlier_valid]
    defect = draw(st.sampled_from(defects))
    if defect.startswith("blank:"):
        row[defect.split(":")[1]] = draw(st.sampled_from(["", "  "]))
    elif defect == "bad_date":
        row["activity_date" if shape is TRAINING else "snapshot_date"] = draw(st.sampled_from(BAD_DATES))
    elif defect == "bad_flag":
        row["primary_assignment"] = draw(st.sampled_from(["maybe", "1", "Ja"]))
    elif defect == "bad_decimal":
        row["fte"] = draw(st.sampled_from(["1.", ".5", "-1", "one"]))
    elif defect == "future":
        row["snapshot_date"] = draw(st.sampled_from(["2026-11-23", "1/1/2027"]))
    elif defect == "fte_range":
        row["fte"] = draw(st.sampled_from(["0", "0.0", "1.51", "2"]))
    elif defect == "staff_group":
        row["staff_group"] = draw(st.sampled_from(["Nurses", "Local Bank Staff"]))
    elif defect == "duplicate":  # an earlier valid row's key, written another way
        target = draw(st.sampled_from(earlier_valid))
        code = target["organisation_code"].strip()
        row["organisation_code"] = draw(st.sampled_from([code, code.lower(), f"  {code.upper()} "]))
        if shape is TRAINING:
            row["record_id"] = target["record_id"]
        else:
            row["assignment_number"] = target["assignment_number"]
            row["snapshot_date"] = date_text(parse_date(target["snapshot_date"]), draw(st.integers(0, 2)))
    return row


@dataclass
class GeneratedFile:
    name: str
    content: bytes
    rows: int
    invalid_lines: list[int] = field(default_factory=list)
    loaded_text: list[str | None] = field(default_factory=list)  # the text column of the valid rows, as loaded


def write_csv(draw, shape: SourceShape, name: str, rows: list[tuple[dict[str, str], bool]]) -> GeneratedFile:
    """The CSV text of the rows (valid flag alongside), with random formatting; the line of each invalid row."""
    header = [draw(st.sampled_from([c, c.upper(), f" {c} "])) for c in shape.columns]
    if draw(st.booleans()):
        header.append("Notes")  # an extra column
    end = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=end, quoting=quoting)
    writer.writerow(header)
    line = 1
    invalid_lines = []
    for values, valid in rows:
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
            buffer.write(draw(st.sampled_from(["", ",,,", "  "])) + end)  # blank records count as lines
            line += 1
        record = [values[c] for c in shape.columns] + (["note"] if len(header) > len(shape.columns) else [])
        writer.writerow(record)
        line += 1  # one record, however many line breaks its quoted fields hold
        if not valid:
            invalid_lines.append(line)
    text = buffer.getvalue()
    if draw(st.booleans()):
        text += end  # a trailing blank line
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    loaded_text = [values[shape.text_column].strip(" ") or None for values, valid in rows if valid]
    return GeneratedFile(name, data, len(rows), invalid_lines, loaded_text)


@st.composite
def landing(draw):
    """One source's files: valid and invalid rows in random order over one to three files, and a file of
    invalid rows only to add afterwards (named last, so its duplicates repeat keys already loaded)."""
    shape = SHAPES[draw(st.sampled_from(sorted(SHAPES)))]
    number = 0
    valid_so_far: list[dict[str, str]] = []  # in name and line order, as the loader takes them
    files = []
    for index in range(draw(st.integers(1, 3))):
        rows = []
        for valid in draw(st.lists(st.booleans(), max_size=8)):
            number += 1
            if valid:
                row = draw(valid_row(shape, number))
                valid_so_far.append(row)
            else:
                row = draw(invalid_row(shape, number, valid_so_far))
            rows.append((row, valid))
        files.append(write_csv(draw, shape, f"{index:02d}.csv", rows))
    invalid_only = []
    for _ in range(draw(st.integers(1, 5))):
        number += 1
        invalid_only.append((draw(invalid_row(shape, number, valid_so_far)), False))
    added = write_csv(draw, shape, "zz_invalid.csv", invalid_only)
    return shape, files, added


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(landing())
def test_reconciliation_quarantine_and_invalid_rows_leave_tables_unchanged(generated):
    shape, files, added = generated
    with tempfile.TemporaryDirectory() as folder:
        wh = Warehouse(Path(folder), in_memory=True)  # a fresh database per example; in memory for speed
        try:
            for f in files:
                wh.write(shape.name, f.name, f.content)
            wh.load(shape.name)  # checks rows read = loaded + quarantined for every file, against the tables

            counts = wh.counts(shape.name)
            assert counts == {
                f.name: (f.rows, f.rows - len(f.invalid_lines), len(f.invalid_lines)) for f in files
            }
            expected_quarantine = sorted((f.name, line) for f in files for line in f.invalid_lines)
            assert [q[:2] for q in wh.quarantine(shape.name)] == expected_quarantine
            assert wh.rows(shape.name, shape.text_column) == [(v,) for f in files for v in f.loaded_text]

            tables_before = wh.table(f"raw.{shape.name}")
            wh.write(shape.name, added.name, added.content)
            wh.load(shape.name)

            assert wh.table(f"raw.{shape.name}") == tables_before
            assert wh.counts(shape.name)[added.name] == (added.rows, 0, added.rows)
            assert [q[:2] for q in wh.quarantine(shape.name)] == sorted(
                expected_quarantine + [(added.name, line) for line in added.invalid_lines]
            )
        finally:
            wh.con.close()
