"""The file rules of `spec/sources.md`, one test (or parametrised group) per rule, on hand-built landing folders.

Every test writes its own small landing folder in `tmp_path`, loads it with `load_source` into a fresh DuckDB
file and compares what the loader kept with values worked out by hand from the spec (never values copied from
the loader's output). Every load also checks the per-file reconciliation (`Warehouse.load`).

The helpers at the top (`Warehouse`, `csv_text`, the headers) are shared with `test_bad_input.py` and
`test_loader_properties.py`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.contract import SOURCES_BY_NAME
from orchestration.lib.loader import SourceLoad, load_source
from orchestration.settings import SEEDS_DIR

RUN_DATE = dt.date(2026, 11, 22)

ORGANISATIONS_HEADER = "organisation_code,organisation_name,region,organisation_type"
STAFF_IN_POST_HEADER = (
    "organisation_code,snapshot_date,employee_number,assignment_number,primary_assignment,"
    "assignment_category,staff_group,fte,hourly_rate"
)
RECRUITMENT_HEADER = "organisation_code,application_id,vacancy_id,shortlisted,shortlisted_date,appointed,appointed_date"
EMPLOYEE_RELATIONS_HEADER = "organisation_code,case_id,employee_number,case_type,formal_start_date,outcome"
TRAINING_HEADER = "organisation_code,record_id,employee_number,course_code,course_name,category,activity_date"
STAFF_SURVEY_HEADER = "organisation_code,survey_year,respondent_id"
BOARD_HEADER = "organisation_code,member_id,member_type,voting,start_date,end_date"

REQUIRED_BLANK = "required value is blank"


def csv_text(header: str, *rows: str, end: str = "\n") -> str:
    """A CSV file's text: the header and the rows, each ended by `end`."""
    return "".join(line + end for line in (header, *rows))


def sip(assignment: str, *, org="R1A", snapshot="2024-03-31", employee="E1", primary="", category="Permanent",
        staff_group="Students", fte="1", hourly_rate="") -> str:
    """A staff_in_post row in STAFF_IN_POST_HEADER's column order."""
    return ",".join([org, snapshot, employee, assignment, primary, category, staff_group, fte, hourly_rate])


def training(record_id: str, *, org="R1A", employee="E1", course_code="", course_name="", category="CPD",
             activity_date="2024-01-01") -> str:
    """A training row in TRAINING_HEADER's column order."""
    return ",".join([org, record_id, employee, course_code, course_name, category, activity_date])


class Warehouse:
    """A landing folder and a fresh DuckDB file in `tmp_path`, and the loader's tables read back."""

    def __init__(self, tmp_path: Path, seeds_dir: Path = SEEDS_DIR, run_date: dt.date = RUN_DATE,
                 in_memory: bool = False):
        self.landing = tmp_path / "landing"
        self.landing.mkdir(exist_ok=True)
        self.db_path = tmp_path / "w.duckdb"
        self.con = duckdb.connect(":memory:" if in_memory else str(self.db_path))
        self.seeds_dir = seeds_dir
        self.run_date = run_date

    # -- the landing folder

    def write(self, source: str, name: str, content: str | bytes) -> Path:
        """Write a file byte for byte (a str is UTF-8 encoded, line ends kept as given)."""
        path = self.landing / source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def remove(self, source: str, name: str) -> None:
        (self.landing / source / name).unlink()

    # -- loading

    def load(self, source: str, run_date: dt.date | None = None) -> SourceLoad:
        result = load_source(
            self.con, SOURCES_BY_NAME[source], self.landing, self.seeds_dir, run_date or self.run_date
        )
        assert_reconciled(self.con, source)
        return result

    def reconnect(self) -> None:
        """Close and reopen the DuckDB file, as a new run would."""
        self.con.close()
        self.con = duckdb.connect(str(self.db_path))

    # -- reading back

    def log(self, source: str) -> dict[str, dict]:
        """The load log of a source by file name (the file must have exactly one log row)."""
        rows = self.log_rows(source)
        by_name = {r["file_name"]: r for r in rows}
        assert len(by_name) == len(rows), f"several load-log rows for one file: {rows}"
        return by_name

    def log_rows(self, source: str) -> list[dict]:
        cursor = self.con.execute(
            "select * from raw.load_log where source = ? order by file_name, status", [source]
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def counts(self, source: str) -> dict[str, tuple[int, int, int]]:
        """(rows_read, rows_loaded, rows_quarantined) by file name."""
        return {
            name: (row["rows_read"], row["rows_loaded"], row["rows_quarantined"])
            for name, row in self.log(source).items()
        }

    def quarantine(self, source: str) -> list[tuple]:
        """(file_name, line_number, column, reason), in file and line order."""
        return self.con.execute(
            'select file_name, line_number, "column", reason from raw.quarantine where source = ? '
            'order by file_name, line_number nulls first, "column"',
            [source],
        ).fetchall()

    def quarantine_columns(self, source: str) -> list[tuple]:
        """(file_name, line_number, column), in file and line order."""
        return [q[:3] for q in self.quarantine(source)]

    def rows(self, source: str, columns: str) -> list[tuple]:
        """The given columns of the loaded rows, in file and line order."""
        return self.con.execute(
            f"select {columns} from raw.{source} order by _file_name, _line_number"
        ).fetchall()

    def table(self, name: str) -> list[tuple]:
        return self.con.execute(f"select * from {name} order by all").fetchall()


def assert_reconciled(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """For every file: rows read = rows loaded + rows quarantined, and both agree with the tables.

    A loaded file's rows_loaded is the number of its rows in raw.<source> and its rows_quarantined the number
    of its quarantine entries with a line number; a rejected file loads nothing and has exactly one quarantine
    entry, without a line number.
    """
    log = con.execute(
        "select file_name, status, rows_read, rows_loaded, rows_quarantined from raw.load_log where source = ?",
        [source],
    ).fetchall()
    for file_name, status, read, loaded, quarantined in log:
        assert read == loaded + quarantined, (file_name, status, read, loaded, quarantined)
        in_table = con.execute(
            f"select count(*) from raw.{source} where _file_name = ?", [file_name]
        ).fetchone()[0]
        with_line, without_line = con.execute(
            "select count(line_number), count(*) - count(line_number) from raw.quarantine "
            "where source = ? and file_name = ?",
            [source, file_name],
        ).fetchone()
        if status == "loaded":
            assert (loaded, quarantined) == (in_table, with_line), (file_name, loaded, in_table, quarantined, with_line)
        else:
            assert status == "rejected"
            assert loaded == 0 and without_line == 1, (file_name, loaded, without_line)


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path)


# =================================================================================================================
# Column names


def test_column_names_match_ignoring_case_and_surrounding_spaces(wh):
    header = " ORGANISATION_CODE ,Record_ID,  employee_number,Course_Code ,COURSE_NAME, Category , Activity_Date"
    wh.write("training", "a.csv", csv_text(header, "r1a,T1,E1,C1,Fire safety,Statutory,2024-03-31"))

    result = wh.load("training")

    assert result.rejected == []
    assert wh.log("training")["a.csv"]["extra_columns"] is None
    assert wh.rows("training", "*") == [
        ("R1A", "T1", "E1", "C1", "Fire safety", "Statutory", dt.date(2024, 3, 31), "a.csv", 2)
    ]


def test_optional_columns_may_be_absent_and_columns_in_any_order(wh):
    # No course_code nor course_name; the columns in another order than the spec's table.
    header = "activity_date,category,employee_number,record_id,organisation_code"
    wh.write("training", "a.csv", csv_text(header, "2024-01-02,CPD,E1,T1,R1A"))

    wh.load("training")

    columns = "organisation_code, record_id, employee_number, course_code, course_name, category, activity_date"
    assert wh.rows("training", columns) == [("R1A", "T1", "E1", None, None, "CPD", dt.date(2024, 1, 2))]


# =================================================================================================================
# Encoding


def test_utf8_with_and_without_byte_order_mark(wh):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1", course_name="Café")))
    wh.write("training", "b.csv", "\ufeff" + csv_text(TRAINING_HEADER, training("T2", course_name="Ñandú – ü")))

    result = wh.load("training")

    # The byte-order mark does not end up in the first column's name (which would make it missing).
    assert result.rejected == []
    log = wh.log("training")
    assert (log["a.csv"]["encoding"], log["b.csv"]["encoding"]) == ("utf-8", "utf-8-sig")
    assert wh.rows("training", "organisation_code, record_id, course_name") == [
        ("R1A", "T1", "Café"),
        ("R1A", "T2", "Ñandú – ü"),
    ]


def test_not_utf8_is_read_as_windows_1252_and_the_load_log_says_so(wh):
    text = csv_text(TRAINING_HEADER, training("T1", course_name="Café “quoted” – £5"))
    wh.write("training", "a.csv", text.encode("cp1252"))
    # A byte Windows-1252 leaves undefined (0x81) is read as the C1 control Windows maps it to.
    wh.write("training", "b.csv", csv_text(TRAINING_HEADER, training("T2", course_name="x@y")).encode()
             .replace(b"@", b"\x81"))
    # A UTF-8 byte-order mark followed by text that is not UTF-8.
    wh.write("training", "c.csv", codecs.BOM_UTF8 + csv_text(TRAINING_HEADER, training("T3", course_name="naïve"))
             .encode("cp1252"))

    wh.load("training")

    assert {name: row["encoding"] for name, row in wh.log("training").items()} == {
        "a.csv": "windows-1252",
        "b.csv": "windows-1252",
        "c.csv": "windows-1252",
    }
    assert wh.rows("training", "record_id, course_name") == [
        ("T1", "Café “quoted” – £5"),
        ("T2", "x\x81y"),
        ("T3", "naïve"),
    ]


# =================================================================================================================
# Types

DATES_ACCEPTED = [
    ("2024-03-31", dt.date(2024, 3, 31)),
    ("31/03/2024", dt.date(2024, 3, 31)),
    ("31/3/2024", dt.date(2024, 3, 31)),
    ("1/2/2024", dt.date(2024, 2, 1)),  # day first
    ("01/02/2024", dt.date(2024, 2, 1)),
    ("29/2/2024", dt.date(2024, 2, 29)),  # 2024 is a leap year
    ("2024-02-29", dt.date(2024, 2, 29)),
    (" 2024-12-01 ", dt.date(2024, 12, 1)),  # trimmed first
]
DATES_REJECTED = [
    "31/02/2024",  # not a calendar day
    "2023-02-29",  # 2023 is not a leap year
    "29/02/2023",
    "31/04/2024",
    "2024-13-01",
    "2024-00-10",
    "0/1/2024",
    "32/1/2024",
    "1/13/2024",  # month first is not a format
    "2024-2-29",  # YYYY-MM-DD needs two-digit month and day
    "2024-02-1",
    "001/01/2024",
    "31/03/24",  # four-digit year
    "2024/03/31",
    "31-03-2024",
    "31.03.2024",
    "20240331",
    "2024-03-31T00:00:00",
    "tomorrow",
]


def test_dates_in_both_formats_and_real_calendar_days_only(wh):
    values = [v for v, _ in DATES_ACCEPTED] + DATES_REJECTED
    rows = [training(f"D{i}", activity_date=value) for i, value in enumerate(values)]
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, *rows))

    wh.load("training")

    assert wh.rows("training", "record_id, activity_date") == [
        (f"D{i}", expected) for i, (_, expected) in enumerate(DATES_ACCEPTED)
    ]
    first_rejected = len(DATES_ACCEPTED)
    assert wh.quarantine("training") == [
        ("a.csv", first_rejected + i + 2, "activity_date",
         f"not a date (YYYY-MM-DD or D/M/YYYY, a real calendar day): '{value}'")
        for i, value in enumerate(DATES_REJECTED)
    ]


FLAGS_ACCEPTED = [
    ("Y", True), ("y", True), ("N", False), ("n", False),
    ("Yes", True), ("YES", True), ("yes", True), ("No", False), ("nO", False),
    ("TRUE", True), ("true", True), ("True", True), ("FALSE", False), ("false", False), ("fAlSe", False),
    (" Y ", True),
]
FLAGS_REJECTED = ["1", "0", "T", "F", "yes please", "Ja", "Y.", "t rue"]


def test_flags_in_any_case(wh):
    values = [v for v, _ in FLAGS_ACCEPTED] + FLAGS_REJECTED + [""]
    rows = [f"R1A,M{i},Executive,{value},2024-01-01," for i, value in enumerate(values)]
    wh.write("board", "a.csv", csv_text(BOARD_HEADER, *rows))

    wh.load("board")

    assert wh.rows("board", "member_id, voting") == [(f"M{i}", flag) for i, (_, flag) in enumerate(FLAGS_ACCEPTED)]
    first_rejected = len(FLAGS_ACCEPTED)
    expected = [
        ("a.csv", first_rejected + i + 2, "voting", f"not a flag (Y, N, Yes, No, TRUE or FALSE): '{value}'")
        for i, value in enumerate(FLAGS_REJECTED)
    ]
    expected.append(("a.csv", len(values) + 1, "voting", REQUIRED_BLANK))  # voting is required
    assert wh.quarantine("board") == expected


def test_integers_are_digits_only(wh):
    accepted = [("2023", 2023), ("02023", 2023), (" 2024 ", 2024)]
    rejected = ["2023.0", '"2,023"', "-2023", "+2023", "1e3", "２０２３", "twenty"]
    values = [v for v, _ in accepted] + rejected
    rows = [f"R1A,{value},S{i}" for i, value in enumerate(values)]
    wh.write("staff_survey", "a.csv", csv_text(STAFF_SURVEY_HEADER, *rows))

    wh.load("staff_survey")

    assert wh.rows("staff_survey", "respondent_id, survey_year") == [
        (f"S{i}", year) for i, (_, year) in enumerate(accepted)
    ]
    shown = [v.strip('"') for v in rejected]  # the CSV quotes around 2,023 are not part of the value
    assert wh.quarantine("staff_survey") == [
        ("a.csv", len(accepted) + i + 2, "survey_year", f"not an integer (digits only): '{value}'")
        for i, value in enumerate(shown)
    ]


def test_decimals_are_digits_with_an_optional_point_and_more_digits(wh):
    accepted = [("12", 12.0), ("12.5", 12.5), ("012.50", 12.5), ("0.0", 0.0), (" 7.25 ", 7.25), ("1.0", 1.0),
                ("01", 1.0)]
    rejected = ["1.", ".5", '"1,5"', "-1.5", "1e-1", "1.2.3", "£12", "12 .5", "NaN"]
    values = [v for v, _ in accepted] + rejected
    rows = [sip(f"A{i}", hourly_rate=value) for i, value in enumerate(values)]
    wh.write("staff_in_post", "a.csv", csv_text(STAFF_IN_POST_HEADER, *rows))

    wh.load("staff_in_post")

    assert wh.rows("staff_in_post", "assignment_number, hourly_rate") == [
        (f"A{i}", rate) for i, (_, rate) in enumerate(accepted)
    ]
    assert wh.quarantine("staff_in_post") == [
        ("a.csv", len(accepted) + i + 2, "hourly_rate",
         f"not a decimal (digits, optionally a point and more digits): '{value.strip(chr(34))}'")
        for i, value in enumerate(rejected)
    ]


def test_blank_is_allowed_in_every_column_that_is_not_required(wh):
    wh.write("staff_in_post", "a.csv", csv_text(STAFF_IN_POST_HEADER, sip("A1", primary="", fte="", hourly_rate="  ")))
    wh.write("recruitment", "a.csv", csv_text(RECRUITMENT_HEADER, "R1A,AP1,V1,N,,N,"))

    wh.load("staff_in_post")
    wh.load("recruitment")

    assert wh.rows("staff_in_post", "assignment_number, primary_assignment, fte, hourly_rate") == [
        ("A1", None, None, None)
    ]
    assert wh.rows("recruitment", "application_id, shortlisted_date, appointed_date") == [("AP1", None, None)]


def test_every_value_is_trimmed_of_surrounding_spaces(wh):
    wh.write("training", "a.csv", csv_text(
        TRAINING_HEADER,
        "  r1a  ,  T1 ,  E1  ,  C1  ,  Fire safety  ,  CPD  ,  2024-01-01  ",
        'R1A,T2,E2,C2," quoted, spaced ",CPD,2024-01-02',
        "R1A,   ,E3,C3,x,CPD,2024-01-03",  # a required value of spaces only is blank
    ))

    wh.load("training")

    assert wh.rows("training", "organisation_code, record_id, employee_number, course_code, course_name, category, "
                               "activity_date") == [
        ("R1A", "T1", "E1", "C1", "Fire safety", "CPD", dt.date(2024, 1, 1)),
        ("R1A", "T2", "E2", "C2", "quoted, spaced", "CPD", dt.date(2024, 1, 2)),
    ]
    assert wh.quarantine_columns("training") == [("a.csv", 4, "record_id")]


# =================================================================================================================
# Code-like text and organisation codes


def test_staff_group_is_matched_ignoring_case_against_the_seed(wh):
    groups = [
        ("Nursing and Midwifery Registered", True),
        ("nursing and midwifery registered", True),
        ("STUDENTS", True),
        (" Medical and Dental ", True),
        ("add prof scientific and technic", True),
        ("Nurses", False),
        ("Nursing & Midwifery Registered", False),
        ("Local Bank Staff", False),
    ]
    rows = [sip(f"A{i}", staff_group=group) for i, (group, _) in enumerate(groups)]
    wh.write("staff_in_post", "a.csv", csv_text(STAFF_IN_POST_HEADER, *rows))

    wh.load("staff_in_post")

    # Kept as written (trimmed); the match ignores case.
    assert wh.rows("staff_in_post", "assignment_number, staff_group") == [
        (f"A{i}", group.strip()) for i, (group, ok) in enumerate(groups) if ok
    ]
    reason = "staff_group is not one of the ESR staff groups of the staff_groups seed"
    assert wh.quarantine("staff_in_post") == [
        ("a.csv", i + 2, "staff_group", reason) for i, (_, ok) in enumerate(groups) if not ok
    ]


def test_a_local_staff_group_added_to_the_seed_is_accepted(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    wh = Warehouse(tmp_path)
    wh.write("staff_in_post", "a.csv", csv_text(
        STAFF_IN_POST_HEADER, sip("A1", staff_group="Students"), sip("A2", staff_group="local bank staff")))

    wh.load("staff_in_post")
    assert wh.quarantine_columns("staff_in_post") == [("a.csv", 3, "staff_group")]

    # The seed ships with exactly the nine ESR groups ...
    with open(SEEDS_DIR / "staff_groups.csv", encoding="utf-8") as handle:
        assert len([line for line in handle.read().splitlines()[1:] if line.strip()]) == 9
    # ... and a trust adds its local name: the next load validates again with it.
    with open(seeds / "staff_groups.csv", "a", encoding="utf-8") as handle:
        handle.write("Local Bank Staff,false\n")
    wh.seeds_dir = seeds
    wh.load("staff_in_post")

    assert wh.quarantine("staff_in_post") == []
    assert wh.rows("staff_in_post", "assignment_number, staff_group") == [("A1", "Students"),
                                                                          ("A2", "local bank staff")]


def test_other_code_like_text_is_kept_as_written_in_any_case(wh):
    # Grade, assignment category, case type, training category and member type have no code list at this
    # layer (they are matched ignoring case downstream): any case loads, as written.
    wh.write("board", "a.csv", csv_text(BOARD_HEADER, "R1A,M1,executive,Y,2024-01-01,",
                                        "R1A,M2,NON-EXECUTIVE,N,2024-01-01,"))
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1", category="statutory AND mandatory")))
    wh.write("employee_relations", "a.csv", csv_text(EMPLOYEE_RELATIONS_HEADER, "R1A,C1,E1,GRIEVANCE,2024-01-01,"))
    wh.write("staff_in_post", "a.csv", csv_text(STAFF_IN_POST_HEADER, sip("A1", category="fixed term temp")))

    for source in ("board", "training", "employee_relations", "staff_in_post"):
        wh.load(source)
        assert wh.quarantine(source) == [], source

    assert wh.rows("board", "member_type") == [("executive",), ("NON-EXECUTIVE",)]
    assert wh.rows("training", "category") == [("statutory AND mandatory",)]
    assert wh.rows("employee_relations", "case_type") == [("GRIEVANCE",)]
    assert wh.rows("staff_in_post", "assignment_category") == [("fixed term temp",)]


def test_organisation_codes_are_upper_cased(wh):
    wh.write("organisations", "a.csv", csv_text(
        ORGANISATIONS_HEADER, " r1a ,Trust A,South East,Acute", "rXy,Trust X,,", "R1A,Trust A again,,"))
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1", org="rxy")))

    wh.load("organisations")
    wh.load("training")

    assert wh.rows("organisations", "organisation_code, organisation_name") == [("R1A", "Trust A"), ("RXY", "Trust X")]
    # r1a and R1A are one organisation: the third row repeats the first one's key.
    assert wh.quarantine("organisations") == [
        ("a.csv", 4, "organisation_code", "duplicate key (organisation_code): first loaded from a.csv line 2")
    ]
    assert wh.rows("training", "organisation_code") == [("RXY",)]


# =================================================================================================================
# Extra and missing columns


def test_extra_columns_are_ignored_and_listed_in_the_load_log(wh):
    header = ("organisation_code,Notes,record_id,employee_number, Manager Name ,course_code,course_name,category,"
              "activity_date")
    wh.write("training", "a.csv", csv_text(header, "R1A,some note,T1,E1,Jo Bloggs,C1,Course,CPD,2024-01-01"))

    wh.load("training")

    assert wh.log("training")["a.csv"]["extra_columns"] == "Notes|Manager Name"
    columns = [c[0] for c in wh.con.execute("describe raw.training").fetchall()]
    assert columns == [
        "organisation_code", "record_id", "employee_number", "course_code", "course_name", "category",
        "activity_date", "_file_name", "_line_number",
    ]
    assert wh.rows("training", "record_id, employee_number, course_code, course_name") == [("T1", "E1", "C1", "Course")]


def test_a_missing_required_column_rejects_the_whole_file_and_the_others_still_load(wh):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("A1"), training("A2")))
    wh.write("training", "b.csv", csv_text(
        "organisation_code,record_id,employee_number,course_code,course_name,activity_date",  # no category
        "R1A,B1,E1,C1,Course,2024-01-01",
        "",
        "R1A,B2,E2,C1,Course,2024-01-01",
        "R1A,B3,E3,C1,Course,2024-01-01",
        "",
    ))
    wh.write("training", "c.csv", csv_text(TRAINING_HEADER, training("C1")))

    result = wh.load("training")

    log = wh.log("training")
    # All three rows (not the blank ones) are counted read and quarantined; nothing loaded.
    assert (log["b.csv"]["rows_read"], log["b.csv"]["rows_loaded"], log["b.csv"]["rows_quarantined"]) == (3, 0, 3)
    assert log["b.csv"]["status"] == "rejected"
    message = log["b.csv"]["message"]
    assert "b.csv" in message and "category" in message
    assert wh.quarantine("training") == [("b.csv", None, "category", message)]
    assert result.rejected == [message]
    assert wh.rows("training", "_file_name, record_id") == [("a.csv", "A1"), ("a.csv", "A2"), ("c.csv", "C1")]
    assert (log["a.csv"]["status"], log["c.csv"]["status"]) == ("loaded", "loaded")


def test_a_rejected_file_leaves_the_earlier_version_of_the_same_file_loaded(wh):
    v1 = csv_text(TRAINING_HEADER, training("T1"), training("T2", activity_date="bad"))
    wh.write("training", "a.csv", v1)
    wh.load("training")

    v2 = csv_text("organisation_code,record_id,employee_number,activity_date", "R1A,T9,E9,2024-01-01")  # no category
    wh.write("training", "a.csv", v2)
    result = wh.load("training")

    assert wh.rows("training", "record_id") == [("T1",)]
    rows = wh.log_rows("training")
    assert [(r["content_sha256"], r["status"], r["rows_read"], r["rows_loaded"], r["rows_quarantined"])
            for r in rows] == [
        (hashlib.sha256(v1.encode()).hexdigest(), "loaded", 2, 1, 1),
        (hashlib.sha256(v2.encode()).hexdigest(), "rejected", 1, 0, 1),
    ]
    assert wh.quarantine_columns("training") == [("a.csv", None, "category"), ("a.csv", 3, "activity_date")]
    assert len(result.rejected) == 1 and "category" in result.rejected[0]

    # A corrected re-issue then replaces both.
    v3 = csv_text(TRAINING_HEADER, training("T3"))
    wh.write("training", "a.csv", v3)
    wh.load("training")
    assert wh.rows("training", "record_id") == [("T3",)]
    assert wh.quarantine("training") == []
    assert wh.counts("training") == {"a.csv": (1, 1, 0)}


def test_a_file_changed_back_to_its_loaded_version_clears_its_rejection(wh):
    v1 = csv_text(TRAINING_HEADER, training("T1"))
    wh.write("training", "a.csv", v1)
    wh.load("training")
    wh.write("training", "a.csv", csv_text("organisation_code,record_id", "R1A,T9"))  # rejected
    assert len(wh.load("training").rejected) == 1

    wh.write("training", "a.csv", v1)  # the accepted content again
    result = wh.load("training")

    assert result.rejected == []
    assert wh.quarantine("training") == []
    assert [(r["status"], r["rows_loaded"]) for r in wh.log_rows("training")] == [("loaded", 1)]
    assert wh.rows("training", "record_id") == [("T1",)]


# =================================================================================================================
# Rows, blank records and line numbers


def test_blank_records_are_not_rows(wh):
    wh.write("training", "a.csv", csv_text(
        TRAINING_HEADER,
        training("T1"),
        "",
        ",,,,,,",
        "   ,  ,,,, ,",
        '"","","","","","",""',
        "\t",
        training("T2"),
        "",
        "",
    ))
    wh.write("training", "b.csv", csv_text(TRAINING_HEADER, "", ",,,,,,"))  # header and blank records only
    wh.write("training", "c.csv", "\n\n   \n")  # blank records only, no header: an empty file

    wh.load("training")

    assert wh.counts("training") == {"a.csv": (2, 2, 0), "b.csv": (0, 0, 0), "c.csv": (0, 0, 0)}
    assert wh.rows("training", "record_id, _line_number") == [("T1", 2), ("T2", 8)]


def test_line_numbers_count_the_header_as_1_and_blank_records_and_a_quoted_line_break_once(wh):
    wh.write("training", "a.csv", csv_text(
        TRAINING_HEADER,
        'R1A,L1,E1,,"Line one\nline two",CPD,bad-date',  # line 2 (two physical lines)
        "",  # line 3
        'R1A,L2,E2,,"a ""quoted"" word, and a comma",CPD,2024-13-01',  # line 4
        ",,,,,,",  # line 5
        'R1A,L3,E3,,"x\n\ny",CPD,2024-01-01',  # line 6, with an empty line inside the quotes
        "R1A,L4,,,,CPD,2024-01-01",  # line 7
        "R1A,L5,E5,,5\" screen,CPD,2024-01-01",  # line 8: a quote inside an unquoted field is text
        "",  # line 9
        "R1A,L6,E6,,7\" tablet,CPD,2024-01-01",  # line 10
        "R1A,L7,E7,,,CPD,",  # line 11
    ))

    wh.load("training")

    assert wh.quarantine_columns("training") == [
        ("a.csv", 2, "activity_date"),
        ("a.csv", 4, "activity_date"),
        ("a.csv", 7, "employee_number"),
        ("a.csv", 11, "activity_date"),
    ]
    assert wh.rows("training", "record_id, course_name, _line_number") == [
        ("L3", "x\n\ny", 6),
        ("L5", '5" screen', 8),
        ("L6", '7" tablet', 10),
    ]


def test_every_csv_file_of_the_source_folder_is_read_in_name_order(wh):
    wh.write("training", "b.csv", csv_text(TRAINING_HEADER, training("T2")))
    wh.write("training", "a.CSV", csv_text(TRAINING_HEADER, training("T1")))
    wh.write("training", "2024/c.csv", csv_text(TRAINING_HEADER, training("T3")))
    wh.write("training", "notes.txt", "not an extract")
    wh.write("training", "d.xlsx", b"PK\x03\x04 not an extract")

    wh.load("training")

    assert sorted(wh.log("training")) == ["2024/c.csv", "a.CSV", "b.csv"]
    assert wh.rows("training", "_file_name, record_id") == [("2024/c.csv", "T3"), ("a.CSV", "T1"), ("b.csv", "T2")]


# =================================================================================================================
# The order of the rules


def test_rules_apply_in_order_and_the_first_failure_is_quarantined(wh):
    wh.write("staff_in_post", "a.csv", csv_text(
        STAFF_IN_POST_HEADER,
        # line 2: required blank, though also bad types (primary, hourly_rate) and every source rule failing
        sip("A1", employee="", snapshot="2027-01-01", primary="maybe", staff_group="Nurses", fte="9", hourly_rate="x"),
        # line 3: type (the first bad column in the contract's order), though every source rule fails too
        sip("A2", snapshot="2027-01-01", primary="maybe", staff_group="Nurses", fte="9", hourly_rate="x"),
        # line 4: the first source rule (snapshot after the run), though the other two fail too
        sip("A3", snapshot="2027-01-01", staff_group="Nurses", fte="9"),
        # line 5: the second source rule (fte)
        sip("A4", staff_group="Nurses", fte="9"),
        # line 6: the third (staff group)
        sip("A5", staff_group="Nurses"),
        # line 7: valid
        sip("A6"),
        # line 8: a duplicate of line 7 (the same snapshot in the other format)
        sip("A6", snapshot="31/03/2024", employee="E2"),
        # line 9: fails a source rule; line 10, with its key, is then not a duplicate
        sip("A7", fte="2"),
        sip("A7"),
        # line 11: a bad type wins over a duplicate key (of line 7)
        sip("A6", hourly_rate="abc"),
        # line 12: a failing source rule wins over a duplicate key (of line 7)
        sip("A6", staff_group="Nurses"),
    ))

    wh.load("staff_in_post")

    assert wh.quarantine("staff_in_post") == [
        ("a.csv", 2, "employee_number", REQUIRED_BLANK),
        ("a.csv", 3, "primary_assignment", "not a flag (Y, N, Yes, No, TRUE or FALSE): 'maybe'"),
        ("a.csv", 4, "snapshot_date", "snapshot_date is after the day of the run"),
        ("a.csv", 5, "fte", "fte must be above 0 and at most 1.5"),
        ("a.csv", 6, "staff_group", "staff_group is not one of the ESR staff groups of the staff_groups seed"),
        ("a.csv", 8, "assignment_number",
         "duplicate key (organisation_code, snapshot_date, assignment_number): first loaded from a.csv line 7"),
        ("a.csv", 9, "fte", "fte must be above 0 and at most 1.5"),
        ("a.csv", 11, "hourly_rate", "not a decimal (digits, optionally a point and more digits): 'abc'"),
        ("a.csv", 12, "staff_group", "staff_group is not one of the ESR staff groups of the staff_groups seed"),
    ]
    assert wh.rows("staff_in_post", "assignment_number, _line_number") == [("A6", 7), ("A7", 10)]


# =================================================================================================================
# Duplicate keys


def test_duplicates_across_files_in_name_order_and_within_a_file_on_typed_trimmed_keys(wh):
    # b.csv is written first: name order, not delivery order, decides which row is first.
    wh.write("staff_in_post", "b.csv", csv_text(
        STAFF_IN_POST_HEADER,
        sip("A1", employee="E9", fte="0.5"),  # line 2: key of a.csv line 2 (R1A / r1a, 2024-03-31 / 31/03/2024)
        sip("A1", org="R1B"),  # another organisation
        sip("A1", snapshot="2023-03-31"),  # another snapshot
    ))
    wh.write("staff_in_post", "a.csv", csv_text(
        STAFF_IN_POST_HEADER,
        sip("A1", org="r1a", snapshot="31/03/2024"),  # line 2
        sip("A2"),  # line 3
        sip(" A2 ", org=" R1A ", snapshot=" 2024-03-31 "),  # line 4: line 3's key once trimmed
        sip("a2"),  # line 5: assignment_number is text, compared as written: not line 3's key
    ))

    wh.load("staff_in_post")

    reason = "duplicate key (organisation_code, snapshot_date, assignment_number): first loaded from a.csv line {}"
    assert wh.quarantine("staff_in_post") == [
        ("a.csv", 4, "assignment_number", reason.format(3)),
        ("b.csv", 2, "assignment_number", reason.format(2)),
    ]
    assert wh.counts("staff_in_post") == {"a.csv": (4, 3, 1), "b.csv": (3, 2, 1)}
    columns = "_file_name, _line_number, organisation_code, snapshot_date, assignment_number, fte"
    assert wh.rows("staff_in_post", columns) == [
        ("a.csv", 2, "R1A", dt.date(2024, 3, 31), "A1", 1.0),
        ("a.csv", 3, "R1A", dt.date(2024, 3, 31), "A2", 1.0),
        ("a.csv", 5, "R1A", dt.date(2024, 3, 31), "a2", 1.0),
        ("b.csv", 3, "R1B", dt.date(2024, 3, 31), "A1", 1.0),
        ("b.csv", 4, "R1A", dt.date(2023, 3, 31), "A1", 1.0),
    ]


@pytest.mark.parametrize(
    ("source", "header", "first", "repeat", "identifier"),
    [
        ("organisations", ORGANISATIONS_HEADER, "R1A,Trust,,", "r1a,Other name,,", "organisation_code"),
        ("recruitment", RECRUITMENT_HEADER, "R1A,AP1,V1,N,,N,", "r1a, AP1 ,V2,Y,2024-01-01,Y,", "application_id"),
        ("employee_relations", EMPLOYEE_RELATIONS_HEADER, "R1A,C1,E1,Grievance,,", "r1a,C1,E2,Capability,,",
         "case_id"),
        ("training", TRAINING_HEADER, training("T1"), training("T1", org="r1a", employee="E2"), "record_id"),
        ("staff_survey", STAFF_SURVEY_HEADER, "R1A,2023,S1", "r1a,02023,S1", "respondent_id"),
        ("board", BOARD_HEADER, "R1A,M1,Executive,Y,2024-01-01,", "r1a,M1,Non-executive,N,1/1/2024,", "member_id"),
    ],
)
def test_the_key_of_every_source(wh, source, header, first, repeat, identifier):
    key = ", ".join(SOURCES_BY_NAME[source].key)
    wh.write(source, "a.csv", csv_text(header, first, repeat))

    wh.load(source)

    assert wh.quarantine(source) == [
        ("a.csv", 3, identifier, f"duplicate key ({key}): first loaded from a.csv line 2")
    ]


def test_a_different_start_date_is_another_board_membership(wh):
    wh.write("board", "a.csv", csv_text(BOARD_HEADER, "R1A,M1,Executive,Y,2020-01-01,2021-12-31",
                                        "R1A,M1,Executive,Y,2023-01-01,"))
    wh.load("board")
    assert wh.counts("board") == {"a.csv": (2, 2, 0)}


# =================================================================================================================
# Loading again: the same content, a re-issued file


def _export(wh: Warehouse, tables: list[str], folder: Path) -> dict[str, bytes]:
    """Each table written to CSV (sorted), to compare loads byte for byte."""
    folder.mkdir(exist_ok=True)
    out = {}
    for table in tables:
        path = folder / f"{table}.csv"
        wh.con.execute(f"copy (select * from {table} order by all) to '{path}' (header, delimiter ',')")
        out[table] = path.read_bytes()
    return out


def test_loading_the_same_files_twice_changes_nothing(wh, tmp_path):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1"), training("T2", activity_date="bad")))
    wh.write("training", "b.csv", csv_text("organisation_code,record_id", "R1A,T3"))  # rejected
    wh.write("training", "c.csv", csv_text(TRAINING_HEADER, training("T1")))  # a duplicate
    tables = ["raw.training", "raw.training__held", "raw.training__records", "raw.quarantine", "raw.load_log",
              "raw.file_versions", "raw.source_state"]
    first = wh.load("training")
    before = _export(wh, tables, tmp_path / "before")
    loaded_at = {name: row["loaded_at"] for name, row in wh.log("training").items()}

    again = wh.load("training")
    assert again.unchanged and again.files_read == []
    assert _export(wh, tables, tmp_path / "again") == before

    # A new run (a new connection), with the files touched but unchanged.
    wh.reconnect()
    for path in (wh.landing / "training").iterdir():
        os.utime(path, (path.stat().st_atime + 3600, path.stat().st_mtime + 3600))
    third = wh.load("training")
    assert third.unchanged
    assert _export(wh, tables, tmp_path / "third") == before
    assert {name: row["loaded_at"] for name, row in wh.log("training").items()} == loaded_at
    assert (third.rows_loaded, third.rows_quarantined, third.rejected) == (first.rows_loaded, first.rows_quarantined,
                                                                           first.rejected)


def test_a_new_file_leaves_the_load_log_rows_of_the_others_unchanged(wh):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1")))
    wh.load("training")
    before = wh.log("training")["a.csv"]

    wh.write("training", "b.csv", csv_text(TRAINING_HEADER, training("T2")))
    wh.load("training")

    assert wh.log("training")["a.csv"] == before
    assert wh.counts("training") == {"a.csv": (1, 1, 0), "b.csv": (1, 1, 0)}


def test_a_reissued_file_replaces_the_rows_of_its_earlier_version(wh):
    v1 = csv_text(TRAINING_HEADER, training("T1", course_name="Old name"), training("T2", activity_date="2024-13-01"),
                  training("T3"))
    wh.write("training", "a.csv", v1)
    wh.write("training", "b.csv", csv_text(TRAINING_HEADER, training("T2", course_name="From b")))
    wh.load("training")
    assert wh.rows("training", "_file_name, record_id") == [("a.csv", "T1"), ("a.csv", "T3"), ("b.csv", "T2")]
    b_logged = wh.log("training")["b.csv"]

    v2 = csv_text(TRAINING_HEADER, training("T1", course_name="New name"), training("T2", activity_date="2024-01-02"),
                  training("T4"))
    wh.write("training", "a.csv", v2)
    result = wh.load("training")

    assert [r.file.file_name for r in result.files_read] == ["a.csv"]
    assert wh.rows("training", "_file_name, _line_number, record_id, course_name") == [
        ("a.csv", 2, "T1", "New name"),
        ("a.csv", 3, "T2", None),
        ("a.csv", 4, "T4", None),
    ]
    # b.csv's T2 now repeats a key loaded from a.csv (first in name order).
    assert wh.quarantine("training") == [
        ("b.csv", 2, "record_id", "duplicate key (organisation_code, record_id): first loaded from a.csv line 3")
    ]
    log = wh.log("training")
    assert log["a.csv"]["content_sha256"] == hashlib.sha256(v2.encode()).hexdigest()
    assert wh.counts("training") == {"a.csv": (3, 3, 0), "b.csv": (1, 0, 1)}
    assert log["b.csv"]["loaded_at"] == b_logged["loaded_at"]


# =================================================================================================================
# Reconciliation over every source


def test_every_source_reconciles_file_by_file(wh):
    files = {
        "organisations": csv_text(ORGANISATIONS_HEADER, "R1A,Trust A,,", ",No code,,"),
        "staff_in_post": csv_text(STAFF_IN_POST_HEADER, sip("A1"), sip("A2", fte="0"), sip("A1")),
        "recruitment": csv_text(RECRUITMENT_HEADER, "R1A,AP1,V1,Y,2024-01-01,Y,", "R1A,AP2,V1,N,,Y,"),
        "employee_relations": csv_text(EMPLOYEE_RELATIONS_HEADER, "R1A,C1,E1,Grievance,2024-01-01,",
                                       "R1A,C2,E2,,,"),
        "training": csv_text(TRAINING_HEADER, training("T1"), training("T2", activity_date="")),
        "staff_survey": csv_text(STAFF_SURVEY_HEADER + ",q14a", "R1A,2023,S1,1", "R1A,2023,S2,9"),
        "board": csv_text(BOARD_HEADER, "R1A,M1,Executive,Y,2024-01-01,", "R1A,M2,Executive,Y,2024-01-01,2023-01-01"),
    }
    expected = {  # (read, loaded, quarantined), worked out row by row from the rules
        "organisations": (2, 1, 1),
        "staff_in_post": (3, 1, 2),
        "recruitment": (2, 1, 1),
        "employee_relations": (2, 1, 1),
        "training": (2, 1, 1),
        "staff_survey": (2, 1, 1),
        "board": (2, 1, 1),
    }
    for source, text in files.items():
        wh.write(source, "extract.csv", text)
        wh.write(source, "rejected.csv", "nothing,useful\n1,2\n")

    for source in files:
        result = wh.load(source)
        assert wh.counts(source) == {"extract.csv": expected[source], "rejected.csv": (1, 0, 1)}, source
        assert (result.rows_loaded, result.rows_quarantined) == (expected[source][1], expected[source][2] + 1)


# =================================================================================================================
# The row rules of each source


def test_staff_in_post_rules(wh):
    wh.write("staff_in_post", "a.csv", csv_text(
        STAFF_IN_POST_HEADER,
        sip("A1", snapshot="2026-11-22", fte="1.5"),  # 2: the day of the run itself; fte at the top of the range
        sip("A2", snapshot="23/11/2026"),  # 3: after the day of the run
        sip("A3", snapshot="2026-11-21", fte="0"),  # 4
        sip("A4", fte="0.0"),  # 5
        sip("A5", fte="1.51"),  # 6
        sip("A6", fte="0.01"),  # 7
        sip("A7", fte=""),  # 8: fte may be blank
        sip("A8", fte="1.50"),  # 9
        sip("A9", staff_group="Nursing and Midwifery"),  # 10: not one of the nine
    ))

    wh.load("staff_in_post")

    assert wh.quarantine("staff_in_post") == [
        ("a.csv", 3, "snapshot_date", "snapshot_date is after the day of the run"),
        ("a.csv", 4, "fte", "fte must be above 0 and at most 1.5"),
        ("a.csv", 5, "fte", "fte must be above 0 and at most 1.5"),
        ("a.csv", 6, "fte", "fte must be above 0 and at most 1.5"),
        ("a.csv", 10, "staff_group", "staff_group is not one of the ESR staff groups of the staff_groups seed"),
    ]
    assert wh.rows("staff_in_post", "assignment_number, fte") == [
        ("A1", 1.5), ("A6", 0.01), ("A7", None), ("A8", 1.5)
    ]

    # The rule follows the day of the run: a day later, the snapshot of 23/11/2026 is no longer in the future.
    wh.load("staff_in_post", run_date=dt.date(2026, 11, 23))
    assert ("a.csv", 3) not in [q[:2] for q in wh.quarantine("staff_in_post")]
    assert ("A2", dt.date(2026, 11, 23)) in wh.rows("staff_in_post", "assignment_number, snapshot_date")


def test_recruitment_rules(wh):
    wh.write("recruitment", "a.csv", csv_text(
        RECRUITMENT_HEADER,
        "R1A,AP1,V1,N,,Y,2024-01-01",  # 2: appointed without being shortlisted
        "R1A,AP2,V1,Y,,N,",  # 3: shortlisted without a date
        "R1A,AP3,V1,Y,1/2/2024,y,",  # 4: valid
        "R1A,AP4,V1,n,,n,",  # 5: valid
        "R1A,AP5,V1,no,2024-01-01,YES,",  # 6: appointed without being shortlisted (any case)
        "R1A,AP6,V1,Y,,Y,",  # 7: shortlisted without a date (and appointed: that is allowed)
        "R1A,AP7,V1,N,2024-01-01,N,",  # 8: a date without shortlisting breaks no rule
    ))

    wh.load("recruitment")

    assert wh.quarantine("recruitment") == [
        ("a.csv", 2, "appointed", "appointed = Y but shortlisted = N"),
        ("a.csv", 3, "shortlisted_date", "shortlisted = Y without a shortlisted_date"),
        ("a.csv", 6, "appointed", "appointed = Y but shortlisted = N"),
        ("a.csv", 7, "shortlisted_date", "shortlisted = Y without a shortlisted_date"),
    ]
    assert wh.rows("recruitment", "application_id, shortlisted, shortlisted_date, appointed") == [
        ("AP3", True, dt.date(2024, 2, 1), True),
        ("AP4", False, None, False),
        ("AP7", False, dt.date(2024, 1, 1), False),
    ]


def test_board_rule_end_date_before_start_date(wh):
    wh.write("board", "a.csv", csv_text(
        BOARD_HEADER,
        "R1A,M1,Executive,Y,2024-01-02,2024-01-01",  # 2: a day before
        "R1A,M2,Executive,Y,2/1/2024,2024-01-01",  # 3: 2 January (day first) then 1 January
        "R1A,M3,Executive,Y,2024-01-01,1/1/2024",  # 4: the same day is fine
        "R1A,M4,Non-executive,N,2024-01-01,",  # 5: still in post
        "R1A,M5,Executive,Y,1/2/2024,2024-01-15",  # 6: 1 February then 15 January
    ))

    wh.load("board")

    assert wh.quarantine("board") == [
        ("a.csv", 2, "end_date", "end_date is before start_date"),
        ("a.csv", 3, "end_date", "end_date is before start_date"),
        ("a.csv", 6, "end_date", "end_date is before start_date"),
    ]
    assert wh.rows("board", "member_id, start_date, end_date") == [
        ("M3", dt.date(2024, 1, 1), dt.date(2024, 1, 1)),
        ("M4", dt.date(2024, 1, 1), None),
    ]


SURVEY_COLUMNS = ["organisation_code", "survey_year", "respondent_id", "Q14A", "q14b", "q14c", "q15", "q16b", "q13a",
                  "q13b", "q99", "free_text"]


# The answers of raw.staff_survey in long form, blank ones left out.
ANSWERS = """(
    select organisation_code, survey_year, respondent_id, answer.key, answer.value
    from (select *, unnest(map_entries(answers)) as answer from raw.staff_survey)
    where answer.value is not null
)"""


def survey_row(year: str, respondent: str, **answers: str) -> str:
    values = {"organisation_code": "R1A", "survey_year": year, "respondent_id": respondent}
    values.update({("Q14A" if k == "q14a" else k): v for k, v in answers.items()})
    return ",".join(values.get(c, "") for c in SURVEY_COLUMNS)


def test_staff_survey_mapped_questions_by_survey_year(wh):
    # The file has no q13c, q14 or q15b column (mapped for 2018-2020): absent means not answered.
    wh.write("staff_survey", "a.csv", csv_text(
        ",".join(SURVEY_COLUMNS),
        survey_row("2023", "S1", q14a="1", q14b="5", q14c="3", q15="3", q16b="2", q13a="9", q13b="x", q99="zz",
                   free_text="hello"),  # 2: valid; q13a, q13b are not mapped for 2023; q99 is never mapped
        survey_row("2023", "S2", q14a="6"),  # 3
        survey_row("2023", "S3", q14a="1.0"),  # 4
        survey_row("2023", "S4", q14a="01"),  # 5
        survey_row("2023", "S5", q14b="0"),  # 6
        survey_row("2023", "S6", q15="4"),  # 7: career progression has codes 1-3
        survey_row("2023", "S7", q16b="3"),  # 8: discrimination has codes 1-2
        survey_row("2023", "S8", q14a=" 2 "),  # 9: trimmed first
        survey_row("2019", "S9", q14a="6", q14b="x", q15="4", q13a="5", q13b="5"),  # 10: 2019 maps q13a, q13b ...
        survey_row("2019", "S10", q13a="6"),  # 11
        survey_row("2019", "S11", q13b="1.0"),  # 12
        survey_row("2017", "S12", q14a="9", q14b="9", q14c="9", q15="9", q16b="9", q13a="9", q13b="9"),  # 13: no map
        survey_row("2023", "S13"),  # 14: nothing answered
        survey_row("2023", "S14", q14a="2", q14b="7"),  # 15: q14b
        survey_row("2023", "S15", q14a="9", q15="4"),  # 16: two bad answers: the first indicator's is named
        survey_row("02023", "S1", q14a="1"),  # 17: the key of line 2 (survey_year typed)
    ))

    wh.load("staff_survey")

    codes_5 = "not an answer code of indicator 5 (1, 2, 3, 4, 5): "
    codes_6 = "not an answer code of indicator 6 (1, 2, 3, 4, 5): "
    assert wh.quarantine("staff_survey") == [
        ("a.csv", 3, "q14a", codes_5 + "'6'"),
        ("a.csv", 4, "q14a", codes_5 + "'1.0'"),
        ("a.csv", 5, "q14a", codes_5 + "'01'"),
        ("a.csv", 6, "q14b", codes_6 + "'0'"),
        ("a.csv", 7, "q15", "not an answer code of indicator 7 (1, 2, 3): '4'"),
        ("a.csv", 8, "q16b", "not an answer code of indicator 8 (1, 2): '3'"),
        ("a.csv", 11, "q13a", codes_5 + "'6'"),
        ("a.csv", 12, "q13b", codes_6 + "'1.0'"),
        ("a.csv", 15, "q14b", codes_6 + "'7'"),
        ("a.csv", 16, "q14a", codes_5 + "'9'"),
        ("a.csv", 17, "respondent_id",
         "duplicate key (organisation_code, survey_year, respondent_id): first loaded from a.csv line 2"),
    ]
    assert wh.rows("staff_survey", "survey_year, respondent_id") == [
        (2023, "S1"), (2023, "S8"), (2019, "S9"), (2017, "S12"), (2023, "S13")
    ]
    assert wh.log("staff_survey")["a.csv"]["extra_columns"] == "free_text"
    # Every answer kept in the respondent's row, mapped or not; question names lower case; a blank answer null.
    questions = ["q14a", "q14b", "q14c", "q15", "q16b", "q13a", "q13b", "q99"]
    assert wh.con.execute("select answers from raw.staff_survey where respondent_id = 'S13'").fetchone()[0] == \
        dict.fromkeys(questions)
    assert wh.table(ANSWERS) == sorted([
        ("R1A", 2023, "S1", "q14a", "1"), ("R1A", 2023, "S1", "q14b", "5"), ("R1A", 2023, "S1", "q14c", "3"),
        ("R1A", 2023, "S1", "q15", "3"), ("R1A", 2023, "S1", "q16b", "2"), ("R1A", 2023, "S1", "q13a", "9"),
        ("R1A", 2023, "S1", "q13b", "x"), ("R1A", 2023, "S1", "q99", "zz"),
        ("R1A", 2023, "S8", "q14a", "2"),
        ("R1A", 2019, "S9", "q14a", "6"), ("R1A", 2019, "S9", "q14b", "x"), ("R1A", 2019, "S9", "q15", "4"),
        ("R1A", 2019, "S9", "q13a", "5"), ("R1A", 2019, "S9", "q13b", "5"),
        *[("R1A", 2017, "S12", q, "9") for q in ("q14a", "q14b", "q14c", "q15", "q16b", "q13a", "q13b")],
    ])


def test_staff_survey_without_any_question_column_loads(wh):
    wh.write("staff_survey", "a.csv", csv_text(STAFF_SURVEY_HEADER + ",ethnic_origin", "R1A,2023,S1,A", "R1A,2019,S2,"))

    wh.load("staff_survey")

    assert wh.counts("staff_survey") == {"a.csv": (2, 2, 0)}
    assert wh.table(ANSWERS) == []


def as_before_rules_version_3(wh: Warehouse, source: str) -> None:
    """Turn the source's tables into the layout before RULES_VERSION 3: every record kept as text in
    `<source>__records` (the loaded and held rows written back as text), no held table, an older fingerprint."""
    columns = [c.name for c in SOURCES_BY_NAME[source].columns]
    answers = ", answers as _answers" if SOURCES_BY_NAME[source].has_questions else ""
    as_text = ", ".join(f'"{c}"::varchar as "{c}"' for c in columns)
    for table in (f"raw.{source}", f"raw.{source}__held"):
        wh.con.execute(f"insert into raw.{source}__records by name "
                       f"select _file_name, _line_number, {as_text}{answers} from {table}")
    wh.con.execute(f"drop table raw.{source}__held")
    wh.con.execute("update raw.source_state set fingerprint = 'rules version 2' where source = ?", [source])


def test_a_warehouse_that_kept_every_record_as_text_is_brought_up_to_date(wh, tmp_path):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1"), training("T2", activity_date="bad"),
                                           training("T3", category="")))
    wh.write("training", "b.csv", csv_text(TRAINING_HEADER, training("T1", employee="E2"), training("T4")))
    tables = ["raw.training", "raw.training__held", "raw.training__records", "raw.quarantine", "raw.load_log"]
    wh.load("training")
    expected = _export(wh, tables, tmp_path / "expected")
    assert wh.table("raw.training__records")[0][:2] == ("a.csv", 3)  # only the record that could not be typed
    assert sorted(row[-2:] for row in wh.table("raw.training__held")) == [("a.csv", 4), ("b.csv", 2)]  # blank, repeat
    as_before_rules_version_3(wh, "training")

    load = wh.load("training")

    assert not load.unchanged
    assert _export(wh, tables, tmp_path / "after") == expected


def test_a_warehouse_with_the_answers_in_a_table_of_their_own_is_brought_up_to_date(wh):
    wh.write("staff_survey", "a.csv", csv_text(",".join(SURVEY_COLUMNS), survey_row("2023", "S1", q14a="1")))
    wh.load("staff_survey")
    # The layout before RULES_VERSION 2: no answers column, the answers in long form, an older fingerprint.
    as_before_rules_version_3(wh, "staff_survey")
    wh.con.execute("alter table raw.staff_survey drop column answers")
    wh.con.execute("create table raw.staff_survey_answers (organisation_code varchar, survey_year bigint, "
                   "respondent_id varchar, question varchar, answer varchar)")
    wh.con.execute("update raw.source_state set fingerprint = 'rules version 1' where source = 'staff_survey'")

    load = wh.load("staff_survey")

    assert not load.unchanged
    assert wh.table(ANSWERS) == [("R1A", 2023, "S1", "q14a", "1")]
    assert wh.con.execute("select count(*) from duckdb_tables() where table_name = 'staff_survey_answers'"
                          ).fetchone()[0] == 0


def test_an_organisation_code_missing_from_organisations_is_loaded_not_quarantined(wh):
    # Not a rule of sources.md: the rows load, and dim_organisations flags the code (is_in_reference_list = false;
    # docs/decisions.md, "An organisation code absent from organisations").
    wh.write("organisations", "a.csv", csv_text(ORGANISATIONS_HEADER, "R1A,Trust A,South East,Acute"))
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1", org="R1A"), training("T2", org="ZZ9")))

    wh.load("organisations")
    load = wh.load("training")

    assert wh.rows("training", "organisation_code") == [("R1A",), ("ZZ9",)]
    assert wh.quarantine("training") == []
    assert (load.rows_loaded, load.rows_quarantined) == (2, 0)
