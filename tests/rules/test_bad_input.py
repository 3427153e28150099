"""The failures real extracts have: each gives a precise error or quarantine entry (file, line, column), and
for every file rows read = rows loaded + rows quarantined (checked by `Warehouse.load` on every load).

Where `spec/sources.md` is silent (a UTF-16 file, a record with too many or too few fields, unbalanced quotes,
a trailing comma, a repeated column) the tests pin the loader's behaviour, described in each test.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from tests.rules.test_file_rules import (
    BOARD_HEADER,
    RECRUITMENT_HEADER,
    REQUIRED_BLANK,
    STAFF_IN_POST_HEADER,
    TRAINING_HEADER,
    Warehouse,
    csv_text,
    sip,
    training,
)


@pytest.fixture
def wh(tmp_path) -> Warehouse:
    return Warehouse(tmp_path)


def rejection(wh: Warehouse, source: str, file_name: str) -> tuple[dict, list[tuple]]:
    """The load-log row of a rejected file and its quarantine entries."""
    [row] = [r for r in wh.log_rows(source) if r["file_name"] == file_name and r["status"] == "rejected"]
    assert row["rows_loaded"] == 0
    return row, [q for q in wh.quarantine(source) if q[0] == file_name]


# =================================================================================================================
# Header problems


def test_missing_required_column(wh):
    wh.write("training", "good.csv", csv_text(TRAINING_HEADER, training("T1")))
    wh.write("training", "no_category.csv", csv_text(
        "organisation_code,record_id,employee_number,course_code,course_name,activity_date",
        "R1A,T2,E2,,,2024-01-01",
        "R1A,T3,E3,,,2024-01-01",
    ))

    result = wh.load("training")

    row, entries = rejection(wh, "training", "no_category.csv")
    assert row["message"] == ("no_category.csv: required column category missing from the header; "
                              "nothing from this file was loaded")
    assert (row["rows_read"], row["rows_quarantined"]) == (2, 2)
    assert entries == [("no_category.csv", None, "category", row["message"])]
    assert result.rejected == [row["message"]]
    assert wh.rows("training", "record_id") == [("T1",)]


def test_misspelt_required_column(wh):
    wh.write("training", "a.csv", csv_text(
        "organisation_code,record_id,employee_number,course_code,course_name,catagory,activity_date",
        training("T1"),
    ))

    wh.load("training")

    row, entries = rejection(wh, "training", "a.csv")
    assert entries == [("a.csv", None, "category", row["message"])]
    assert "a.csv" in row["message"] and "category" in row["message"]
    assert row["extra_columns"] == "catagory"  # the misspelt name is listed, which helps find it
    assert (row["rows_read"], row["rows_quarantined"]) == (1, 1)


def test_several_required_columns_missing_are_all_named(wh):
    wh.write("training", "a.csv", csv_text("organisation_code,record_id,course_name", "R1A,T1,x", "R1A,T2,y"))

    wh.load("training")

    row, entries = rejection(wh, "training", "a.csv")
    assert row["message"] == ("a.csv: required column employee_number, category, activity_date missing from the "
                              "header; nothing from this file was loaded")
    assert entries == [("a.csv", None, "employee_number", row["message"])]  # the first missing column
    assert (row["rows_read"], row["rows_quarantined"]) == (2, 2)


def test_a_column_named_twice_uses_the_first_and_lists_the_second(wh):
    header = TRAINING_HEADER + ",Organisation_Code"
    wh.write("training", "a.csv", csv_text(header, training("T1") + ",RZZ"))

    wh.load("training")

    assert wh.rows("training", "organisation_code, record_id") == [("R1A", "T1")]
    assert wh.log("training")["a.csv"]["extra_columns"] == "Organisation_Code"


def test_a_trailing_comma_on_the_header_and_on_every_row(wh):
    # An unnamed, empty last column (as spreadsheet exports make) is not listed and is not an error.
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER + ",", training("T1") + ",", training("T2") + ","))

    wh.load("training")

    assert wh.counts("training") == {"a.csv": (2, 2, 0)}
    assert wh.log("training")["a.csv"]["extra_columns"] is None


def test_a_trailing_comma_on_the_rows_only(wh):
    # DuckDB reads an empty field after the last column as no field: the rows load (the empty value has no
    # column to go to, so nothing is lost).
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1") + ",", training("T2")))

    wh.load("training")

    assert wh.counts("training") == {"a.csv": (2, 2, 0)}


def test_a_badly_quoted_header_field_loses_no_row(wh):
    # `"notes"x` is a malformed header field: the header is still the first record, and every row after it loads.
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER + ',"notes"x', training("T1") + ",n1",
                                           training("T2") + ",n2"))

    wh.load("training")

    assert wh.rows("training", "record_id, _line_number") == [("T1", 2), ("T2", 3)]
    assert wh.log("training")["a.csv"]["extra_columns"] == "notesx"


def test_blank_lines_before_the_header(wh):
    wh.write("training", "a.csv", "\n" + ",,,\n" + "   \n" + csv_text(TRAINING_HEADER, training("T1"),
                                                                     training("T2", activity_date="x")))

    wh.load("training")

    # The header is the first non-blank record (line 4); the blank records before it are counted as lines.
    assert wh.rows("training", "record_id, _line_number") == [("T1", 5)]
    assert wh.quarantine_columns("training") == [("a.csv", 6, "activity_date")]


# =================================================================================================================
# Empty and header-only files


def test_an_empty_file_has_no_rows(wh):
    wh.write("training", "empty.csv", b"")
    wh.write("training", "good.csv", csv_text(TRAINING_HEADER, training("T1")))

    result = wh.load("training")

    row = wh.log("training")["empty.csv"]
    assert (row["rows_read"], row["rows_loaded"], row["rows_quarantined"], row["status"]) == (0, 0, 0, "loaded")
    assert row["content_sha256"] == hashlib.sha256(b"").hexdigest()
    assert wh.quarantine("training") == [] and result.rejected == []
    assert wh.rows("training", "record_id") == [("T1",)]


@pytest.mark.parametrize(
    "content",
    [TRAINING_HEADER, TRAINING_HEADER + "\n", TRAINING_HEADER + "\r\n", TRAINING_HEADER + "\n\n\n",
     "\ufeff" + TRAINING_HEADER + "\r\n"],
    ids=["no-newline", "lf", "crlf", "trailing-blank-lines", "bom-crlf"],
)
def test_a_header_only_file_has_no_rows(wh, content):
    wh.write("training", "a.csv", content)

    wh.load("training")

    assert wh.counts("training") == {"a.csv": (0, 0, 0)}
    assert wh.log("training")["a.csv"]["status"] == "loaded"
    assert wh.quarantine("training") == []


# =================================================================================================================
# Records of the wrong shape


def test_a_truncated_last_line(wh):
    # The extract was cut off mid-record, with no final newline.
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1")) + "R1A,T2,E2,C")

    wh.load("training")

    assert wh.quarantine("training") == [
        ("a.csv", 3, "course_name", "record has fewer fields than the header (7): a truncated or split line?")
    ]  # the column named is the first one missing
    assert wh.counts("training") == {"a.csv": (2, 1, 1)}


def test_a_record_with_more_fields_than_the_header(wh):
    wh.write("training", "a.csv", csv_text(
        TRAINING_HEADER, training("T1"), training("T2") + ",surplus", training("T3") + ",a,b"))

    wh.load("training")

    # There is no header column to name for the surplus field.
    reason = "record has more fields than the header (7)"
    assert wh.quarantine("training") == [("a.csv", 3, None, reason), ("a.csv", 4, None, reason)]
    assert wh.counts("training") == {"a.csv": (3, 1, 2)}


def test_text_after_a_closing_quote(wh):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1", course_name='"Fire" safety')))

    wh.load("training")

    assert wh.quarantine("training") == [
        ("a.csv", 2, "course_name", "badly quoted field: text follows a closing quote")
    ]


def test_unbalanced_quotes_reject_the_file(wh):
    good = csv_text(TRAINING_HEADER, training("T0"))
    wh.write("training", "a.csv", good)
    wh.load("training")

    wh.write("training", "a.csv", csv_text(
        TRAINING_HEADER,
        training("T1"),
        "",
        'R1A,T2,E2,,"never closed,CPD,2024-01-01',  # physical line 4
        training("T3"),
    ))
    wh.load("training")

    row, entries = rejection(wh, "training", "a.csv")
    assert row["message"] == ("a.csv: a quoted field opened on line 4 is never closed (unbalanced quotes); "
                              "nothing from this file was loaded")
    assert entries == [("a.csv", None, None, row["message"])]
    # Counted as a CSV reader sees them: T1, then one record from the open quote to the end of the file.
    assert (row["rows_read"], row["rows_quarantined"]) == (2, 2)
    # The earlier version stays loaded.
    assert wh.rows("training", "record_id") == [("T0",)]


def test_a_single_stray_quote_inside_an_unquoted_field_rejects_the_file(wh):
    # One inch mark makes the number of quotes odd: the loader cannot tell it from an unclosed quoted field
    # and rejects the file (two such marks load, see test_file_rules' line-number test).
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1", course_name='5" screen'), training("T2")))

    wh.load("training")

    row, _ = rejection(wh, "training", "a.csv")
    assert "line 2" in row["message"] and "unbalanced quotes" in row["message"]
    assert row["rows_read"] == 2


# =================================================================================================================
# Delimiters and encodings


def test_a_semicolon_delimited_file(wh):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER.replace(",", ";"), training("T1").replace(",", ";"),
                                           training("T2").replace(",", ";")))

    wh.load("training")

    row, entries = rejection(wh, "training", "a.csv")
    assert row["message"] == (
        "a.csv: required column organisation_code, record_id, employee_number, category, activity_date missing "
        "from the header (the file looks semicolon-delimited; the contract is comma-separated); "
        "nothing from this file was loaded"
    )
    assert entries == [("a.csv", None, "organisation_code", row["message"])]
    assert (row["rows_read"], row["rows_quarantined"]) == (2, 2)


def test_a_tab_delimited_file(wh):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER.replace(",", "\t"), training("T1").replace(",", "\t")))

    wh.load("training")

    row, entries = rejection(wh, "training", "a.csv")
    assert entries[0][:3] == ("a.csv", None, "organisation_code")
    assert "a.csv" in row["message"] and "organisation_code" in row["message"]
    assert row["rows_read"] == 1


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_with_a_byte_order_mark_is_decoded(wh, codec):
    text = csv_text(TRAINING_HEADER, training("T1", course_name="Zoë’s course"), training("T2"), end="\r\n")
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    wh.write("training", "a.csv", bom + text.encode(codec))

    wh.load("training")

    assert wh.log("training")["a.csv"]["encoding"] == "utf-16"
    assert wh.rows("training", "record_id, course_name, _line_number") == [
        ("T1", "Zoë’s course", 2), ("T2", None, 3)
    ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_without_a_byte_order_mark_is_rejected(wh, codec):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1"), training("T2")).encode(codec))

    wh.load("training")

    row, entries = rejection(wh, "training", "a.csv")
    assert row["message"] == ("a.csv: contains NUL bytes: not a CSV text file (UTF-16 without a byte-order mark, "
                              "or a binary file?)")
    assert row["encoding"] is None
    assert entries == [("a.csv", None, None, row["message"])]
    assert (row["rows_read"], row["rows_quarantined"]) == (2, 2)


def test_a_spreadsheet_saved_under_a_csv_name_is_rejected(wh):
    wh.write("training", "a.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml")

    wh.load("training")

    row, entries = rejection(wh, "training", "a.csv")
    assert "NUL bytes" in row["message"]
    assert len(entries) == 1


def test_mixed_line_endings(wh):
    wh.write("training", "a.csv", (
        TRAINING_HEADER + "\r\n"  # line 1, CRLF
        + 'R1A,T1,E1,,"two\r\nlines",CPD,2024-01-01\r'  # line 2, CR (a CRLF inside the quotes)
        + "R1A,T2,E2,,x,CPD,bad\n"  # line 3, LF
        + "\r\n"  # line 4, blank
        + "R1A,T3,E3,,x,CPD,2024-01-03\r"  # line 5
        + "\r"  # line 6, blank
        + "R1A,T4,,,x,CPD,2024-01-04"  # line 7, no final line end
    ))

    wh.load("training")

    assert wh.quarantine_columns("training") == [("a.csv", 3, "activity_date"), ("a.csv", 7, "employee_number")]
    # A line break inside a quoted field is kept as a line feed.
    assert wh.rows("training", "record_id, course_name, _line_number") == [("T1", "two\nlines", 2), ("T3", "x", 5)]
    assert wh.counts("training") == {"a.csv": (4, 2, 2)}


def test_a_blank_line_after_every_record(wh):
    # "\r\r\n" line ends (a CSV written in text mode on Windows) read as a blank line after every record.
    rows = [training(f"T{i}", activity_date="bad" if i % 100 == 0 else "2024-01-01") for i in range(1, 2001)]
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, *rows, end="\r\r\n"))

    wh.load("training")

    assert wh.counts("training") == {"a.csv": (2000, 1980, 20)}
    # Record i is at line 2i + 1 (the header is line 1, a blank line after each record).
    assert wh.quarantine_columns("training") == [("a.csv", 2 * i + 1, "activity_date") for i in range(100, 2001, 100)]
    assert wh.rows("training", "record_id, _line_number")[-1] == ("T1999", 3999)


# =================================================================================================================
# Big and hostile values


FIFTY_MB = 50_000_000


@pytest.mark.parametrize("kind", ["quoted", "unquoted"])
def test_a_50_mb_field_loads_in_a_few_seconds(wh, kind):
    if kind == "quoted":  # with commas, quotes and line breaks, so it must be quoted
        value = ('a, "b"\n' * (FIFTY_MB // 7 + 1))[:FIFTY_MB - 1] + "z"
        field = '"' + value.replace('"', '""') + '"'
    else:
        value = field = "x" * FIFTY_MB
    wh.write("training", "a.csv", csv_text(
        TRAINING_HEADER,
        training("T1"),  # line 2
        training("T2", course_name=field),  # line 3
        training("T3"),  # line 4
    ))

    wh.load("training")

    assert wh.counts("training") == {"a.csv": (3, 3, 0)}
    assert wh.con.execute(
        "select record_id, length(course_name), md5(course_name), _line_number from raw.training "
        "order by _line_number"
    ).fetchall() == [
        ("T1", None, None, 2),
        ("T2", FIFTY_MB, hashlib.md5(value.encode()).hexdigest(), 3),
        ("T3", None, None, 4),
    ]


def test_formula_injection_text_is_loaded_unchanged(wh):
    formulas = ['=HYPERLINK("http://x","y")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "=1+1", "\t=cmd|' /C calc'!A0"]

    def quoted(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    rows = [training(f"T{i}", employee=quoted(f), course_code=quoted(f), course_name=quoted(f))
            for i, f in enumerate(formulas)]
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, *rows))

    wh.load("training")

    # Only surrounding spaces are trimmed (sources.md); nothing is escaped at this layer.
    assert wh.rows("training", "employee_number, course_code, course_name") == [
        (f.strip(" "), f.strip(" "), f.strip(" ")) for f in formulas
    ]


def test_dates_in_the_future(wh):
    wh.write("staff_in_post", "a.csv", csv_text(
        STAFF_IN_POST_HEADER, sip("A1", snapshot="2026-11-22"), sip("A2", snapshot="23/11/2026"),
        sip("A3", snapshot="2099-01-01")))
    # The other sources have no rule on the future: their dates load as they are.
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, training("T1", activity_date="2030-01-01")))
    wh.write("board", "a.csv", csv_text(BOARD_HEADER, "R1A,M1,Executive,Y,2027-01-01,2030-12-31"))
    wh.write("recruitment", "a.csv", csv_text(RECRUITMENT_HEADER, "R1A,AP1,V1,Y,2027-01-01,Y,2027-02-01"))

    for source in ("staff_in_post", "training", "board", "recruitment"):
        wh.load(source)

    reason = "snapshot_date is after the day of the run"
    assert wh.quarantine("staff_in_post") == [
        ("a.csv", 3, "snapshot_date", reason), ("a.csv", 4, "snapshot_date", reason)
    ]
    assert wh.rows("training", "activity_date") == [(dt.date(2030, 1, 1),)]
    assert wh.rows("board", "start_date") == [(dt.date(2027, 1, 1),)]
    assert wh.rows("recruitment", "appointed_date") == [(dt.date(2027, 2, 1),)]


def test_many_malformed_records_in_a_large_file_lose_no_row(wh):
    # Every other record is truncated, in an 8 MB file: DuckDB's parallel CSV reader drops some records
    # (good and rejected alike) when rejects are this dense, so the loader reads such a file sequentially.
    n = 20_000
    long_name = "x" * 400
    rows = [training(f"T{i}", course_name=long_name) if i % 2 else f"R1A,T{i},E1,{'y' * 400}" for i in range(n)]
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, *rows))

    wh.load("training")

    assert wh.counts("training") == {"a.csv": (n, n // 2, n // 2)}
    lines = [q[1] for q in wh.quarantine("training")]
    assert lines == list(range(2, n + 2, 2))  # record i is at line i + 2


# =================================================================================================================
# The same file again, a copy, a correction


def test_the_same_file_delivered_twice_under_the_same_name(wh):
    content = csv_text(TRAINING_HEADER, training("T1"), training("T2", activity_date="bad"))
    wh.write("training", "a.csv", content)
    wh.load("training")
    before = (wh.table("raw.training"), wh.table("raw.quarantine"), wh.table("raw.load_log"))

    wh.write("training", "a.csv", content)  # delivered again
    result = wh.load("training")

    assert result.unchanged
    assert (wh.table("raw.training"), wh.table("raw.quarantine"), wh.table("raw.load_log")) == before


def test_a_copy_under_another_name_is_all_duplicates(wh):
    content = csv_text(TRAINING_HEADER, training("T1"), training("T2", activity_date="bad"), training("T3"))
    wh.write("training", "extract.csv", content)
    wh.write("training", "extract (1).csv", content)  # sorts first: " " < "."

    wh.load("training")

    reason = "duplicate key (organisation_code, record_id): first loaded from extract (1).csv line {}"
    assert wh.quarantine("training") == [
        ("extract (1).csv", 3, "activity_date", "not a date (YYYY-MM-DD or D/M/YYYY, a real calendar day): 'bad'"),
        ("extract.csv", 2, "record_id", reason.format(2)),
        ("extract.csv", 3, "activity_date", "not a date (YYYY-MM-DD or D/M/YYYY, a real calendar day): 'bad'"),
        ("extract.csv", 4, "record_id", reason.format(4)),
    ]
    assert wh.counts("training") == {"extract (1).csv": (3, 2, 1), "extract.csv": (3, 0, 3)}


def test_a_file_reissued_with_corrections(wh):
    v1 = csv_text(RECRUITMENT_HEADER,
                  "R1A,AP1,V1,Y,2024-01-01,Y,2024-02-01",
                  "R1A,AP2,V1,N,,Y,",  # appointed without shortlisting
                  "R1A,AP3,V1,Y,,N,",  # shortlisted without a date
                  "R1A,AP4,V1,N,,N,")
    wh.write("recruitment", "2024.csv", v1)
    wh.load("recruitment")
    assert wh.counts("recruitment") == {"2024.csv": (4, 2, 2)}

    v2 = csv_text(RECRUITMENT_HEADER,
                  "R1A,AP1,V1,Y,2024-01-01,Y,2024-02-01",
                  "R1A,AP2,V1,Y,2024-01-05,Y,2024-02-05",
                  "R1A,AP3,V1,Y,2024-01-06,N,")  # AP4 withdrawn
    wh.write("recruitment", "2024.csv", v2)
    wh.load("recruitment")

    assert wh.quarantine("recruitment") == []
    assert wh.counts("recruitment") == {"2024.csv": (3, 3, 0)}
    assert wh.log("recruitment")["2024.csv"]["content_sha256"] == hashlib.sha256(v2.encode()).hexdigest()
    assert wh.rows("recruitment", "application_id, shortlisted_date") == [
        ("AP1", dt.date(2024, 1, 1)), ("AP2", dt.date(2024, 1, 5)), ("AP3", dt.date(2024, 1, 6))
    ]


def test_required_value_blank_in_a_quoted_field(wh):
    wh.write("training", "a.csv", csv_text(TRAINING_HEADER, 'R1A,"  ",E1,,,CPD,2024-01-01'))
    wh.load("training")
    assert wh.quarantine("training") == [("a.csv", 2, "record_id", REQUIRED_BLANK)]
