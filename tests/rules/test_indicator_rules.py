"""Every rule of spec/indicators.md, proved on one hand-built landing folder.

Each organisation exercises a few rules with numbers small enough to count by hand:
- RA1: the workforce population choice (Bank/Honorary dropped, primary flag, none flagged, two flagged, largest
  fte with blank as 0, smallest assignment_number in text order) and indicator 1 band reading on the fixed grid;
  a 31 March snapshot holding only a Bank row (reported, empty population) and a 30 March snapshot (not reported).
- RA2: indicators 2, 3 and 4 over two years: event-period boundaries, case type and training category in any case,
  unknown categories, leavers, a person absent from every snapshot (fallback to the first qualifying case row in
  file/line order), a person known only from a snapshot after 31 March, a Bank-only person, the rolling two-year
  sums, a rate above 100%.
- RA3: the staff survey in both question numberings, survey years without respondents or without a mapping, the
  favourable likelihood, b = 0 and n2 = 0.
- RA4: the board on the day and its four breakdowns, the exact 4:5 and 5:4 four-fifths boundaries, an adverse
  likelihood.

Expected numbers are counted by hand from the rows below and the rules of the spec; intervals are recomputed
here from the spec's formulas with `math`, independently of the SQL.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from tests.harness import Build, write_csv

pytestmark = pytest.mark.slow

Z = 1.959964  # the z of the spec's 95% intervals

# ---------------------------------------------------------------------------------------------------------------
# The landing folder

SIP_HEADER = [
    "organisation_code", "snapshot_date", "employee_number", "assignment_number", "primary_assignment",
    "assignment_category", "staff_group", "pay_band", "grade", "fte", "ethnic_origin",
]
ADMIN = "Administrative and Clerical"
NURSE = "Nursing and Midwifery Registered"
MEDIC = "Medical and Dental"


def sip(org, day, emp, asg, primary, category, group, band, grade, fte, ethnic):
    return [org, day, emp, asg, primary, category, group, band, grade, fte, ethnic]


def ra1_rows() -> list[list]:
    d = "2024-03-31"
    r = []
    # --- population choice ---
    # P01: the primary row is Bank (dropped), so the Permanent row is chosen -> clinical band_5 BME
    r.append(sip("RA1", d, "P01", "P01-1", "Y", "Bank", ADMIN, "Band 2", None, "1.0", "A"))
    r.append(sip("RA1", d, "P01", "P01-2", "N", "Permanent", NURSE, "Band 5", None, "0.5", "H"))
    # P02: only an Honorary row (lower case) -> not in the population at all
    r.append(sip("RA1", d, "P02", "P02-1", "Y", "honorary", NURSE, "Band 6", None, "1.0", "A"))
    # P03: the primary row wins over a larger fte -> non_clinical band_4 BME
    r.append(sip("RA1", d, "P03", "P03-1", "N", "Permanent", ADMIN, "Band 3", None, "1.0", "A"))
    r.append(sip("RA1", d, "P03", "P03-2", "Y", "Permanent", ADMIN, "Band 4", None, "0.5", "M"))
    # P04: none flagged (one N, one blank) -> largest fte -> clinical band_7 BME
    r.append(sip("RA1", d, "P04", "P04-1", "N", "Permanent", "Allied Health Professionals", "Band 6", None, "0.6", "A"))
    r.append(sip("RA1", d, "P04", "P04-2", None, "Fixed Term Temp", "Allied Health Professionals", "Band 7", None, "0.8", "N"))
    # P05: two flagged -> the larger fte among them (the unflagged 1.0 is ignored) -> clinical band_8b White
    r.append(sip("RA1", d, "P05", "P05-1", "Y", "Permanent", NURSE, "Band 8A", None, "0.4", "H"))
    r.append(sip("RA1", d, "P05", "P05-2", "Yes", "Permanent", NURSE, "Band 8 - Range B", None, "0.9", "B"))
    r.append(sip("RA1", d, "P05", "P05-3", "N", "Permanent", NURSE, "Band 9", None, "1.0", "H"))
    # P06: none flagged, blank fte counts as 0 -> the 0.1 row -> clinical band_1 White
    r.append(sip("RA1", d, "P06", "P06-1", None, "Permanent", "Healthcare Scientists", "8c", None, None, "H"))
    r.append(sip("RA1", d, "P06", "P06-2", None, "Permanent", "Healthcare Scientists", "Band 1", None, "0.1", "A"))
    # P07: tie on fte, smallest assignment_number in text order: 'A10' < 'A9' -> clinical under_band_1 BME
    r.append(sip("RA1", d, "P07", "A9", "N", "Permanent", "Additional Clinical Services", "5", None, "1.0", "A"))
    r.append(sip("RA1", d, "P07", "A10", "N", "Permanent", "Additional Clinical Services", "Under Band 1", None, "1.0", "M"))
    # --- band reading, one person each ---
    r.append(sip("RA1", d, "P08", "P08-1", "Y", "Permanent", MEDIC, "VSM", "Consultant", "1.0", "A"))  # vsm first
    r.append(sip("RA1", d, "P09", "P09-1", "Y", "Permanent", MEDIC, None, "Consultant", "1.0", "H"))
    r.append(sip("RA1", d, "P10", "P10-1", "Y", "Locum", MEDIC, "Band 5", "Specialty Doctor", "1.0", "A"))
    r.append(sip("RA1", d, "P11", "P11-1", "Y", "Permanent", MEDIC, None, "Foundation Year 1", "1.0", "Z"))
    r.append(sip("RA1", d, "P12", "P12-1", "Y", "Permanent", MEDIC, None, "Clinical Fellow", "1.0", "N"))
    r.append(sip("RA1", d, "P13", "P13-1", "Y", "Permanent", MEDIC, None, None, "1.0", "A"))
    r.append(sip("RA1", d, "P14", "P14-1", "Y", "Permanent", ADMIN, "Band 8A", None, "1.0", "C"))
    r.append(sip("RA1", d, "P15", "P15-1", "Y", "Permanent", "Estates and Ancillary", "8", None, "1.0", "H"))
    r.append(sip("RA1", d, "P16", "P16-1", "Y", "Permanent", "Estates and Ancillary", "Non-AfC", None, "1.0", "A"))
    r.append(sip("RA1", d, "P17", "P17-1", "Y", "Permanent", ADMIN, None, None, "1.0", None))
    r.append(sip("RA1", d, "P18", "P18-1", "Y", "Permanent", "Students", "8c", None, "1.0", "CP White - Polish"))
    r.append(sip("RA1", d, "P19", "P19-1", "Y", "Permanent", "administrative and clerical", "Band 5", None, "1.0", "A"))
    r.append(sip("RA1", d, "P20", "P20-1", "Y", "Permanent", NURSE, "5", None, "1.0", "A"))
    r.append(sip("RA1", d, "P21", "P21-1", "Y", "Permanent", ADMIN, "VSM", None, "1.0", "M"))
    # a 31 March 2022 snapshot holding only a Bank row: reported, with an empty population
    r.append(sip("RA1", "2022-03-31", "P01", "P01-1", "Y", "Bank", ADMIN, "Band 2", None, "1.0", "A"))
    # a 30 March 2023 snapshot: not a reporting day
    r.append(sip("RA1", "2023-03-30", "P19", "P19-1", "Y", "Permanent", ADMIN, "Band 5", None, "1.0", "A"))
    return r


def ra2_rows() -> list[list]:
    r = []

    def person(day, emp, ethnic, category="Permanent", asg=None, primary="Y"):
        r.append(sip("RA2", day, emp, asg or f"{emp}-1", primary, category, NURSE, "Band 5", None, "1.0", ethnic))

    # 2023: White W1 W2 W3 L1, BME M1 M3 L2
    for emp, ethnic in [("W1", "A"), ("W2", "A"), ("W3", "B"), ("L1", "A"), ("M1", "H"), ("M3", "K"), ("L2", "J")]:
        person("2023-03-31", emp, ethnic)
    # 30 Sep 2023: L1 (who left before 31 March 2024) has a primary Bank row coded H and a Permanent row coded A:
    # for events the primary row among all rows wins, so L1 is BME from here on
    person("2023-09-30", "L1", "H", category="Bank", asg="L1-B", primary="Y")
    person("2023-09-30", "L1", "A", category="Permanent", asg="L1-P", primary="N")
    # 2024: White W1 W2 W3 W4 W5, BME M1 M2 M3, Unknown U1; B1 holds only a Bank assignment (not in P)
    for emp, ethnic in [("W1", "A"), ("W2", "A"), ("W3", "C"), ("W4", "A"), ("W5", "CP"), ("M1", "H"), ("M2", "M"),
                        ("M3", "K"), ("U1", "Z")]:
        person("2024-03-31", emp, ethnic)
    person("2024-03-31", "B1", "M", category="Bank")
    # after 31 March 2024: ignored (S1 appears only here; M1 re-coded as White here)
    person("2024-06-30", "S1", "H")
    person("2024-06-30", "M1", "A")
    return r


def ra3_rows() -> list[list]:
    r = []

    def person(day, emp, ethnic):
        r.append(sip("RA3", day, emp, f"{emp}-1", "Y", "Permanent", "Allied Health Professionals", "Band 6", None,
                     "1.0", ethnic))

    person("2018-03-31", "W1", "A")
    for day in ["2021-03-31", "2022-03-31"]:
        person(day, "W1", "A")
        person(day, "M1", "H")
    person("2023-12-31", "W1", "A")
    person("2023-12-31", "L", "H")  # a leaver, seen only in a snapshot that is not a reporting day
    person("2024-03-31", "W1", "A")
    person("2024-03-31", "W2", "B")
    return r


def ra4_rows() -> list[list]:
    r = []

    def person(day, emp, ethnic):
        r.append(sip("RA4", day, emp, f"{emp}-1", "Y", "Permanent", ADMIN, "Band 3", None, "1.0", ethnic))

    person("2023-03-31", "W01", "A")
    for i in range(1, 11):
        person("2024-03-31", f"W{i:02d}", "A")
        person("2024-03-31", f"M{i:02d}", "H")
    person("2024-03-31", "U01", None)
    return r


def write_landing(root: Path) -> Path:
    write_csv(root / "staff_in_post" / "sip.csv", SIP_HEADER, ra1_rows() + ra2_rows() + ra3_rows() + ra4_rows())

    # recruitment
    rec_header = ["organisation_code", "application_id", "vacancy_id", "ethnic_origin", "shortlisted",
                  "shortlisted_date", "appointed"]
    rec = [
        # RA2 2024: White 2 of 4, BME 1 of 5, Unknown 2 of 2 (period boundaries 1 Apr 2023 and 31 Mar 2024)
        ["RA2", "R01", "V1", "A", "Y", "2023-04-01", "Y"],
        ["RA2", "R02", "V1", "B", "Y", "2023-06-01", "N"],
        ["RA2", "R03", "V1", "C", "Yes", "2023-06-01", "No"],
        ["RA2", "R04", "V1", "A", "Y", "2024-01-01", "Y"],
        ["RA2", "R05", "V1", "H", "Y", "2024-03-31", "Y"],
        ["RA2", "R06", "V1", "M", "Y", "2023-06-01", "N"],
        ["RA2", "R07", "V1", "N", "Y", "2023-06-01", "N"],
        ["RA2", "R08", "V1", "K", "Y", "2023-06-01", "N"],
        ["RA2", "R09", "V1", "S", "Y", "2023-06-01", "N"],
        ["RA2", "R10", "V1", None, "Y", "2023-06-01", "Y"],
        ["RA2", "R11", "V1", "Z", "Y", "2023-06-01", "Y"],
        # not counted in 2024: not shortlisted; shortlisted 31 Mar 2023 (counts in 2023); shortlisted 1 Apr 2024
        ["RA2", "R12", "V1", "A", "N", None, "N"],
        ["RA2", "R13", "V1", "H", "Y", "2023-03-31", "Y"],
        ["RA2", "R14", "V1", "A", "Y", "2024-04-01", "Y"],
    ]
    # RA3 2024: White 1 of 10, BME 9 of 10 (favourable)
    for i in range(1, 11):
        rec.append(["RA3", f"RW{i}", "V3", "A", "Y", "2023-10-01", "Y" if i == 1 else "N"])
        rec.append(["RA3", f"RM{i}", "V3", "H", "Y", "2023-10-01", "Y" if i <= 9 else "N"])
    # RA4 2024: White 4 of 10, BME 5 of 10 (RL exactly 4:5)
    for i in range(1, 11):
        rec.append(["RA4", f"RW{i}", "V4", "A", "Y", "2023-10-01", "Y" if i <= 4 else "N"])
        rec.append(["RA4", f"RM{i}", "V4", "H", "Y", "2023-10-01", "Y" if i <= 5 else "N"])
    write_csv(root / "recruitment" / "applications.csv", rec_header, rec)

    # employee relations: two files, taken in name order
    er_header = ["organisation_code", "case_id", "employee_number", "case_type", "formal_start_date",
                 "informal_start_date", "ethnic_origin"]
    er_1 = [
        # X1 is absent from every snapshot: a Grievance row first (not qualifying), then the first qualifying
        # row coded A (White) - that one gives X1's group
        ["RA2", "C01", "X1", "Grievance", "2023-07-01", None, "K"],
        ["RA2", "C02", "W1", "Disciplinary", "2023-04-01", None, "H"],     # boundary: first day of 2024
        ["RA2", "C03", "U1", "Disciplinary", "2024-03-31", None, None],    # boundary: last day of 2024
        ["RA2", "C04", "M1", "DISCIPLINARY", "2023-06-01", None, None],    # case type in any case
        ["RA2", "C16", "M1", "disciplinary", "2023-07-01", None, None],    # same person again: counted once
        ["RA2", "C05", "M2", "Grievance", "2023-07-01", None, None],       # not disciplinary
        ["RA2", "C06", "W3", "Disciplinary", "2024-04-01", None, None],    # after the period
        ["RA2", "C07", "W4", "Disciplinary", None, "2023-05-01", None],    # never formal
        ["RA2", "C08", "L1", "Disciplinary", "2023-10-15", None, "A"],     # leaver: BME from 30 Sep 2023
        ["RA2", "C09", "L2", "Disciplinary", "2023-05-05", None, None],    # leaver: BME from 31 Mar 2023
        ["RA2", "C10", "X1", "Disciplinary", "2023-08-01", None, "A"],
        ["RA2", "C11", "S1", "Disciplinary", "2024-02-01", None, "A"],     # only snapshot is after D: row's A
        ["RA2", "C12", "B1", "Disciplinary", "2023-12-01", None, "A"],     # Bank-only: BME from the snapshot
        ["RA2", "C13", "W2", "Disciplinary", "2023-03-31", None, None],    # 2023 (last day)
        ["RA2", "C14", "M3", "Disciplinary", "2022-04-01", None, None],    # 2023 (first day)
        ["RA2", "C15", "W5", "Disciplinary", "2022-03-31", None, None],    # 2022: not reported
        # RA3 2021: M1 (BME) 1 of 1, White 0 of 1
        ["RA3", "C01", "M1", "Disciplinary", "2020-06-01", None, None],
    ]
    # RA4 2024: BME 8 of 10, White 1 of 10 (adverse)
    er_1 += [["RA4", f"CM{i}", f"M{i:02d}", "Disciplinary", "2023-09-01", None, None] for i in range(1, 9)]
    er_1 += [["RA4", "CW1", "W01", "Disciplinary", "2023-09-01", None, None]]
    write_csv(root / "employee_relations" / "er_1.csv", er_header, er_1)
    write_csv(root / "employee_relations" / "er_2.csv", er_header, [
        # an earlier line number than C10 but a later file: does not give X1's group
        ["RA2", "C20", "X1", "Disciplinary", "2023-09-01", None, "H"],
    ])

    # training
    tr_header = ["organisation_code", "record_id", "employee_number", "category", "activity_date"]
    tr = [
        ["RA2", "T01", "W1", "CPD", "2023-05-01"],
        ["RA2", "T02", "W2", "statutory and mandatory", "2023-05-01"],
        ["RA2", "T03", "W2", "Mandatory", "2023-05-01"],
        ["RA2", "T04", "W3", "LEADERSHIP", "2024-03-31"],           # last day of the period
        ["RA2", "T05", "W4", "Statutory", "2023-06-01"],
        ["RA2", "T06", "W5", "Coaching Circle", "2023-07-01"],      # unknown category: non-mandatory
        ["RA2", "T07", "M1", "Non-mandatory", "2023-04-01"],        # first day of the period
        ["RA2", "T08", "W1", "Leadership", "2023-08-01"],           # same person again: counted once
        ["RA2", "T09", "M2", "MANDATORY", "2023-08-01"],
        ["RA2", "T10", "U1", "Study Leave", "2024-04-01"],          # after the period
        ["RA2", "T11", "L1", "Apprenticeship", "2023-11-01"],       # leaver, BME
        ["RA2", "T12", "X1", "CPD", "2023-12-01"],                  # absent from every snapshot: Unknown
        ["RA2", "T13", "M3", "CPD", "2023-03-31"],                  # 2023
        # RA3 2024: W1 (White) and L (BME leaver; no BME in the population)
        ["RA3", "T01", "W1", "CPD", "2023-06-01"],
        ["RA3", "T02", "L", "CPD", "2023-12-15"],
    ]
    # RA4 2024: White 5 of 10, BME 4 of 10 (RL exactly 5:4)
    tr += [["RA4", f"TW{i}", f"W{i:02d}", "CPD", "2023-09-01"] for i in range(1, 6)]
    tr += [["RA4", f"TM{i}", f"M{i:02d}", "CPD", "2023-09-01"] for i in range(1, 5)]
    write_csv(root / "training" / "training.csv", tr_header, tr)

    # staff survey, both numberings in one file; columns of the other numbering hold junk that must be ignored
    sv_header = ["organisation_code", "survey_year", "respondent_id", "ethnic_origin",
                 "q13a", "q13b", "q13c", "q14", "q15b", "q14a", "q14b", "q14c", "q15", "q16b"]
    sv = []
    for row in SURVEY_2023:
        rid, ethnic, q14a, q14b, q14c, q15, q16b = row
        sv.append(["RA3", 2023, rid, ethnic, "9", "x", None, "7", None, q14a, q14b, q14c, q15, q16b])
    for i in range(1, 11):
        # BME: never harassed by the public; by staff: b01-b05 answer only the first staff question (never),
        # b06-b10 only the second (3-5 times); no to career progression; discriminated
        q13b, q13c = ("1", None) if i <= 5 else (None, "3")
        sv.append(["RA3", 2020, f"b{i:02d}", "H", "1", q13b, q13c, "2", "1", "9", "9", "9", "9", "9"])
        # White: harassed by the public, w01-w05 harassed by staff, yes to career progression, not discriminated
        sv.append(["RA3", 2020, f"w{i:02d}", "A", "2", "2" if i <= 5 else "1", None, "1", "2",
                   "9", "9", "9", "9", "9"])
    # Unknown: in every base, never positive
    sv.append(["RA3", 2020, "u01", "Z", "1", "1", "1", "3", "2", "9", "9", "9", "9", "9"])
    # 2017: the question map does not cover it
    sv.append(["RA3", 2017, "o1", "H", "2", "2", "2", "1", "1", None, None, None, None, None])
    sv.append(["RA3", 2017, "o2", "A", "1", "1", "1", "2", "2", None, None, None, None, None])
    write_csv(root / "staff_survey" / "survey.csv", sv_header, sv)

    # board of RA4
    write_csv(root / "board" / "board.csv",
              ["organisation_code", "member_id", "member_type", "voting", "ethnic_origin", "start_date", "end_date"],
              [list(row) for row in BOARD])
    return root


# respondent, ethnic_origin, q14a (ind. 5), q14b, q14c (ind. 6), q15 (ind. 7), q16b (ind. 8)
SURVEY_2023 = [
    ("b1", "H", "1", "1", "1", "1", "2"),
    ("b2", "M", "2", "4", None, "2", "1"),
    ("b3", "N", "5", None, "3", "3", "1"),
    ("b4", "K", None, None, None, None, None),
    ("b5", "R", "3", "1", "2", "1", None),
    ("b6", "S", "1", None, None, "2", "2"),
    ("w1", "A", "1", "1", "1", "1", "2"),
    ("w2", "B", "1", "1", "1", "1", "2"),
    ("w3", "C", "2", "1", "1", "1", "2"),
    ("w4", "A", "1", None, None, "2", "1"),
    ("w5", "A", "1", "1", "1", "3", "2"),
    ("w6", "A", "1", "5", None, "1", "2"),
    ("u1", "Z", "2", "2", "2", "1", "1"),
    ("u2", "Not stated", "1", "1", "1", "2", "2"),
]

# organisation, member, member_type, voting, ethnic_origin, start_date, end_date
BOARD = [
    ("RA4", "B1", "Executive", "Y", "A", "2023-06-01", None),             # on
    ("RA4", "B2", "Executive", "Y", "H", "2024-03-31", None),             # on: starts on the day
    ("RA4", "B3", "Non-executive", "Y", "M", "2023-04-01", "2024-03-31"),  # on: ends on the day
    ("RA4", "B4", "Non-executive", "N", "A", "2023-04-01", "2024-03-30"),  # off: ended the day before
    ("RA4", "B5", "Executive", "N", "N", "2024-04-01", None),             # off: starts the day after
    ("RA4", "B6", "Non-executive", "N", "Z", "2023-04-01", None),         # on
    ("RA4", "B7", "executive", "N", "A", "2023-05-01", "2025-01-01"),     # on
    ("RA4", "B8", "NON-EXECUTIVE", "Y", "A", "2023-04-01", None),         # on
]


# ---------------------------------------------------------------------------------------------------------------
# The build (once per session: tests/rules/test_dbt_unit_tests.py reuses its warehouse)

_BUILDS: dict[str, tuple[Path, Build]] = {}


def rules_build(build_landing, tmp_path_factory) -> tuple[Path, Build]:
    """Write the landing folder above and build it once per test session; returns (landing folder, Build)."""
    if "rules" not in _BUILDS:
        landing = write_landing(tmp_path_factory.mktemp("rules_landing"))
        _BUILDS["rules"] = (landing, build_landing(landing, "rules"))
    return _BUILDS["rules"]


@pytest.fixture(scope="module")
def build(build_landing, tmp_path_factory) -> Build:
    _, result = rules_build(build_landing, tmp_path_factory)
    assert result.returncode == 0, result.output[-4000:]
    return result


ALL_ORGANISATIONS = "ALL"  # rows that pool every organisation: tested at the end of this module


@pytest.fixture(scope="module")
def return_rows(build) -> dict[tuple, dict[str, str]]:
    rows = [r for r in build.csv_rows("returns/wres_return.csv") if r["organisation_code"] != ALL_ORGANISATIONS]
    index = {(r["organisation_code"], int(r["wres_year"]), int(r["indicator"]), r["breakdown"], r["ethnic_group"]): r
             for r in rows}
    assert len(index) == len(rows), "duplicate keys in wres_return.csv"
    return index


@pytest.fixture(scope="module")
def headline_rows(build) -> dict[tuple, dict[str, str]]:
    rows = [r for r in build.csv_rows("returns/wres_headline.csv") if r["organisation_code"] != ALL_ORGANISATIONS]
    index = {(r["organisation_code"], int(r["wres_year"]), int(r["indicator"]), r["breakdown"], r["measure"]): r
             for r in rows}
    assert len(index) == len(rows), "duplicate keys in wres_headline.csv"
    return index


# ---------------------------------------------------------------------------------------------------------------
# Hand-computed expectations

GROUPS = ("White", "BME", "Unknown")
REPORTED = {("RA1", 2022), ("RA1", 2024), ("RA2", 2023), ("RA2", 2024), ("RA3", 2018), ("RA3", 2021),
            ("RA3", 2022), ("RA3", 2024), ("RA4", 2023), ("RA4", 2024)}

AFC = ["under_band_1", "band_1", "band_2", "band_3", "band_4", "band_5", "band_6", "band_7", "band_8a", "band_8b",
       "band_8c", "band_8d", "band_9"]
MEDICAL = ["medical_consultant", "medical_non_consultant_career_grade", "medical_trainee", "medical_other"]
GRID = ([("non_clinical", band) for band in AFC + ["vsm", "other"]]
        + [("clinical", band) for band in AFC + ["vsm"] + MEDICAL + ["other"]])
IND1_BREAKDOWNS = [f"{side}:{band}" for side, band in GRID] + ["non_clinical", "clinical", "overall"]

# RA1 on 31 March 2024: the cell and group of every person of P, read by hand from the rows above.
RA1_2024_PEOPLE = {
    "P01": ("clinical", "band_5", "BME"),           # Bank primary dropped: Permanent row, Band 5, H
    "P03": ("non_clinical", "band_4", "BME"),       # primary row (0.5) over the larger unflagged row
    "P04": ("clinical", "band_7", "BME"),           # none flagged: fte 0.8 over 0.6
    "P05": ("clinical", "band_8b", "White"),        # two flagged: 0.9 over 0.4; unflagged 1.0 ignored
    "P06": ("clinical", "band_1", "White"),         # blank fte counts as 0: the 0.1 row
    "P07": ("clinical", "under_band_1", "BME"),     # 'A10' < 'A9'
    "P08": ("clinical", "vsm", "White"),            # VSM before the medical grade
    "P09": ("clinical", "medical_consultant", "BME"),
    "P10": ("clinical", "medical_non_consultant_career_grade", "White"),  # grade before 'Band 5'
    "P11": ("clinical", "medical_trainee", "Unknown"),
    "P12": ("clinical", "medical_other", "BME"),    # Clinical Fellow
    "P13": ("clinical", "medical_other", "White"),  # blank grade
    "P14": ("non_clinical", "band_8a", "White"),    # 'Band 8A'
    "P15": ("non_clinical", "other", "BME"),        # '8' alone
    "P16": ("non_clinical", "other", "White"),      # 'Non-AfC'
    "P17": ("non_clinical", "other", "Unknown"),    # blank band, blank ethnic origin
    "P18": ("clinical", "band_8c", "White"),        # Students are clinical; '8c'; 'CP White - Polish'
    "P19": ("non_clinical", "band_5", "White"),     # staff group in lower case
    "P20": ("clinical", "band_5", "White"),         # '5'
    "P21": ("non_clinical", "vsm", "BME"),
}


def _ra1_2024_cells() -> dict[tuple[str, str], tuple[int, int, int]]:
    tally = Counter((side, band, group) for side, band, group in RA1_2024_PEOPLE.values())
    cells = {(side, band) for side, band, _ in RA1_2024_PEOPLE.values()}
    return {cell: tuple(tally[(*cell, g)] for g in GROUPS) for cell in cells}


# (organisation, year) -> {(clinical side, band): (White, BME, Unknown)}; every other cell is zero
POPULATION = {
    ("RA1", 2022): {},                                   # only a Bank row on the day
    ("RA1", 2024): _ra1_2024_cells(),
    ("RA2", 2023): {("clinical", "band_5"): (4, 3, 0)},  # W1 W2 W3 L1 | M1 M3 L2
    ("RA2", 2024): {("clinical", "band_5"): (5, 3, 1)},  # W1-W5 | M1 M2 M3 | U1 (B1 is Bank only)
    ("RA3", 2018): {("clinical", "band_6"): (1, 0, 0)},
    ("RA3", 2021): {("clinical", "band_6"): (1, 1, 0)},
    ("RA3", 2022): {("clinical", "band_6"): (1, 1, 0)},
    ("RA3", 2024): {("clinical", "band_6"): (2, 0, 0)},
    ("RA4", 2023): {("non_clinical", "band_3"): (1, 0, 0)},
    ("RA4", 2024): {("non_clinical", "band_3"): (10, 10, 1)},
}


def population_totals(pair) -> tuple[int, int, int]:
    cells = POPULATION[pair].values()
    return tuple(sum(c[i] for c in cells) for i in range(3))


def ind1_counts(pair, breakdown) -> tuple[int, int, int]:
    cells = POPULATION[pair]
    if breakdown == "overall":
        chosen = cells.values()
    elif ":" not in breakdown:
        chosen = [v for (side, _), v in cells.items() if side == breakdown]
    else:
        side, band = breakdown.split(":")
        chosen = [cells.get((side, band), (0, 0, 0))]
    return tuple(sum(c[i] for c in chosen) for i in range(3))


# Indicator 2: (numerator, denominator) per group (White, BME, Unknown); every other pair is all zeros.
IND2 = {
    ("RA2", 2023): ((0, 0), (1, 1), (0, 0)),   # R13, shortlisted on 31 March 2023
    ("RA2", 2024): ((2, 4), (1, 5), (2, 2)),
    ("RA3", 2024): ((1, 10), (9, 10), (0, 0)),
    ("RA4", 2024): ((4, 10), (5, 10), (0, 0)),
}
# Indicators 3 and 4: numerators per group; denominators are the population counts.
IND3_NUMERATORS = {
    ("RA2", 2023): (1, 1, 0),   # W2 (31 Mar 2023) | M3 (1 Apr 2022)
    ("RA2", 2024): (3, 4, 1),   # W1 X1 S1 | M1 L1 L2 B1 | U1
    ("RA3", 2021): (0, 1, 0),   # M1
    ("RA4", 2024): (1, 8, 0),
}
IND3_ROLLING = {
    ("RA2", 2024): ((3 + 1, 5 + 4), (4 + 1, 3 + 3), (1 + 0, 1 + 0)),
    ("RA3", 2022): ((0 + 0, 1 + 1), (0 + 1, 1 + 1), (0, 0)),
    ("RA4", 2024): ((1 + 0, 10 + 1), (8 + 0, 10 + 0), (0 + 0, 1 + 0)),
}
IND4_NUMERATORS = {
    ("RA2", 2023): (0, 1, 0),   # M3 (31 Mar 2023)
    ("RA2", 2024): (3, 2, 1),   # W1 W3 W5 | M1 L1 | X1
    ("RA3", 2024): (1, 1, 0),   # W1 | L (no BME in the population)
    ("RA4", 2024): (5, 4, 0),
}
# Indicators 5 to 8 of RA3: (positive, base) per group.
SURVEY = {
    ("RA3", 2021): {  # survey 2020, questions q13a, q13b/q13c, q14, q15b
        5: ((10, 10), (0, 10), (0, 1)),
        6: ((5, 10), (5, 10), (0, 1)),
        7: ((10, 10), (0, 10), (0, 1)),
        8: ((0, 10), (10, 10), (0, 1)),
    },
    ("RA3", 2024): {  # survey 2023, questions q14a, q14b/q14c, q15, q16b
        5: ((1, 6), (3, 5), (1, 2)),
        6: ((1, 5), (3, 4), (1, 2)),
        7: ((4, 6), (2, 5), (1, 2)),
        8: ((1, 6), (2, 4), (1, 2)),
    },
}
# Indicator 9 of RA4 in 2024: (White, BME, Unknown) members per breakdown.
BOARD_2024 = {
    "board_all": (3, 2, 1),             # B1 B7 B8 | B2 B3 | B6
    "board_voting": (2, 2, 0),          # B1 B8 | B2 B3
    "board_executive": (2, 1, 0),       # B1 B7 | B2
    "board_non_executive": (1, 1, 1),   # B8 | B3 | B6
}


def expected_return() -> dict[tuple, tuple[int, int]]:
    """(organisation, year, indicator, breakdown, group) -> (numerator, denominator)."""
    expected = {}

    def put(pair, indicator, breakdown, counts):
        for group, (numerator, denominator) in zip(GROUPS, counts):
            expected[(*pair, indicator, breakdown, group)] = (numerator, denominator)

    for pair in REPORTED:
        for breakdown in IND1_BREAKDOWNS:
            people = ind1_counts(pair, breakdown)
            put(pair, 1, breakdown, [(n, sum(people)) for n in people])
        put(pair, 2, "all", IND2.get(pair, ((0, 0),) * 3))
        totals = population_totals(pair)
        put(pair, 3, "single_year", list(zip(IND3_NUMERATORS.get(pair, (0, 0, 0)), totals)))
        if pair in IND3_ROLLING:
            put(pair, 3, "rolling_two_year", IND3_ROLLING[pair])
        put(pair, 4, "all", list(zip(IND4_NUMERATORS.get(pair, (0, 0, 0)), totals)))
        for indicator, counts in SURVEY.get(pair, {}).items():
            put(pair, indicator, "all", counts)
    for breakdown, members in BOARD_2024.items():
        put(("RA4", 2024), 9, breakdown, [(n, sum(members)) for n in members])
    return expected


# Relative likelihoods, worked out by hand: (RL, assessment, four-fifths band). Every other likelihood key is
# (None, 'not computable', '') - n1, n2 or b is 0.
LIKELIHOODS = {
    # RA2 2023 ind. 3: (1/3) / (1/4); 4*1*4 = 16 > 5*1*3 = 15
    ("RA2", 2023, 3, "single_year"): (4 / 3, "no significant difference", "above 1.25"),
    # RA2 2023 ind. 4: a = 0 -> RL 0, no interval; 5*0*3 = 0 < 4*1*4 = 16
    ("RA2", 2023, 4, "all"): (0.0, "not computable", "below 0.80"),
    # RA2 2024 ind. 2: (2/4) / (1/5); Unknown (2 of 2) stays out
    ("RA2", 2024, 2, "all"): (2.5, "no significant difference", "above 1.25"),
    # RA2 2024 ind. 3: (4/3) / (3/5) = 20/9 with a > n1 (rate above 100%): no interval
    ("RA2", 2024, 3, "single_year"): (20 / 9, "not computable", "above 1.25"),
    # rolling: (5/6) / (4/9) = 15/8
    ("RA2", 2024, 3, "rolling_two_year"): (15 / 8, "no significant difference", "above 1.25"),
    # RA2 2024 ind. 4: (3/5) / (2/3) = 0.9; 5*3*3 = 45 >= 4*2*5 = 40 and 4*3*3 = 36 <= 5*2*5 = 50
    ("RA2", 2024, 4, "all"): (0.9, "no significant difference", "0.80 to 1.25"),
    # RA3 2024 ind. 2: (1/10) / (9/10) = 1/9, upper bound below 1
    ("RA3", 2024, 2, "all"): (1 / 9, "favourable", "below 0.80"),
    # RA4 2024 ind. 2: (4/10) / (5/10) = 0.8 exactly: 5*4*10 = 200 = 4*5*10 -> not below
    ("RA4", 2024, 2, "all"): (0.8, "no significant difference", "0.80 to 1.25"),
    # RA4 2024 ind. 3: (8/10) / (1/10) = 8, lower bound above 1
    ("RA4", 2024, 3, "single_year"): (8.0, "adverse", "above 1.25"),
    ("RA4", 2024, 3, "rolling_two_year"): (8.8, "adverse", "above 1.25"),    # (8/10) / (1/11)
    # RA4 2024 ind. 4: (5/10) / (4/10) = 1.25 exactly: 4*5*10 = 200 = 5*4*10 -> not above
    ("RA4", 2024, 4, "all"): (1.25, "no significant difference", "0.80 to 1.25"),
}
# Survey gaps: assessment by hand (the interval is recomputed below). The 2020 survey is all-or-nothing.
SURVEY_ASSESSMENTS = {
    ("RA3", 2021, 5): "favourable",                 # BME 0% vs White 100%: BME significantly lower
    ("RA3", 2021, 6): "no significant difference",  # 50% vs 50%
    ("RA3", 2021, 7): "adverse",                    # BME 0% vs 100% on career progression: reversed
    ("RA3", 2021, 8): "adverse",                    # BME 100% vs 0% discriminated
    ("RA3", 2024, 5): "no significant difference",
    ("RA3", 2024, 6): "no significant difference",
    ("RA3", 2024, 7): "no significant difference",
    ("RA3", 2024, 8): "no significant difference",
}


def log_interval(a, n1, b, n2) -> tuple[float, float]:
    rl = (a / n1) / (b / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
    return math.exp(math.log(rl) - Z * se), math.exp(math.log(rl) + Z * se)


def wilson(x, n) -> tuple[float, float]:
    p = x / n
    centre, half = p + Z * Z / (2 * n), Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (centre - half) / (1 + Z * Z / n), (centre + half) / (1 + Z * Z / n)


def newcombe(x1, n1, x2, n2) -> tuple[float, float]:
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = wilson(x1, n1), wilson(x2, n2)
    return (100 * (p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)),
            100 * (p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)))


def pct(numerator, denominator):
    return None if denominator == 0 else 100 * numerator / denominator


def expected_headline() -> dict[tuple, dict]:
    """(organisation, year, indicator, breakdown, measure) -> the expected cells (previous_value added after)."""
    counts = expected_return()
    blank = {"ci_lower": None, "ci_upper": None, "assessment": "", "four_fifths_band": ""}
    expected = {}
    for pair in REPORTED:
        overall = pct(ind1_counts(pair, "overall")[1], sum(ind1_counts(pair, "overall")))
        for breakdown in IND1_BREAKDOWNS:
            people = ind1_counts(pair, breakdown)
            share = pct(people[1], sum(people))
            gap = None if share is None or overall is None else share - overall
            expected[(*pair, 1, breakdown, "pct_bme")] = {"value": share, **blank}
            expected[(*pair, 1, breakdown, "gap_to_overall_pp")] = {"value": gap, **blank}
        breakdowns = [(2, "all"), (3, "single_year"), (4, "all")]
        breakdowns += [(3, "rolling_two_year")] if pair in IND3_ROLLING else []
        for indicator, breakdown in breakdowns:
            key = (*pair, indicator, breakdown)
            value, assessment, band = LIKELIHOODS.get(key, (None, "not computable", ""))
            lower = upper = None
            if assessment != "not computable":
                white, bme = counts[(*key, "White")], counts[(*key, "BME")]
                top, bottom = (bme, white) if indicator == 3 else (white, bme)
                lower, upper = log_interval(*top, *bottom)
            expected[(*key, "relative_likelihood")] = {
                "value": value, "ci_lower": lower, "ci_upper": upper, "assessment": assessment,
                "four_fifths_band": band,
            }
        for indicator in SURVEY.get(pair, {}):
            (xw, nw), (xb, nb), _ = SURVEY[pair][indicator]
            lower, upper = newcombe(xb, nb, xw, nw)
            expected[(*pair, indicator, "all", "gap_pp")] = {
                "value": 100 * xb / nb - 100 * xw / nw, "ci_lower": lower, "ci_upper": upper,
                "assessment": SURVEY_ASSESSMENTS[(*pair, indicator)], "four_fifths_band": "",
            }
    workforce_bme_share = 100 * 10 / 21  # RA4 2024: 10 BME of 21
    for breakdown, members in BOARD_2024.items():
        expected[("RA4", 2024, 9, breakdown, "difference_pp")] = {
            "value": 100 * members[1] / sum(members) - workforce_bme_share, **blank}
    for (org, year, indicator, breakdown, measure), cells in expected.items():
        previous = expected.get((org, year - 1, indicator, breakdown, measure))
        cells["previous_value"] = None if previous is None else previous["value"]
    return expected


# ---------------------------------------------------------------------------------------------------------------
# Comparison helpers


def same_number(expected, got: str) -> bool:
    if expected is None or got == "":
        return expected is None and got == ""
    return math.isclose(float(got), expected, rel_tol=1e-9, abs_tol=1e-12)


def check_return_row(row: dict[str, str], numerator: int, denominator: int) -> list[str]:
    problems = []
    if (int(row["numerator"]), int(row["denominator"])) != (numerator, denominator):
        problems.append(f"counts {row['numerator']}/{row['denominator']}, expected {numerator}/{denominator}")
    if not same_number(pct(numerator, denominator), row["value"]):
        problems.append(f"value {row['value']!r}, expected {pct(numerator, denominator)}")
    return problems


def check_return(return_rows, expected: dict[tuple, tuple[int, int]]) -> None:
    problems = []
    for key, (numerator, denominator) in sorted(expected.items()):
        if key not in return_rows:
            problems.append(f"{key}: missing")
            continue
        problems += [f"{key}: {p}" for p in check_return_row(return_rows[key], numerator, denominator)]
    assert not problems, "\n".join(problems[:40])


def check_headline(headline_rows, keys) -> None:
    expected = expected_headline()
    problems = []
    for key in sorted(keys):
        cells, row = expected[key], headline_rows.get(key)
        if row is None:
            problems.append(f"{key}: missing")
            continue
        for column in ("value", "ci_lower", "ci_upper", "previous_value"):
            if not same_number(cells[column], row[column]):
                problems.append(f"{key} {column}: got {row[column]!r}, expected {cells[column]!r}")
        for column in ("assessment", "four_fifths_band"):
            if row[column] != cells[column]:
                problems.append(f"{key} {column}: got {row[column]!r}, expected {cells[column]!r}")
    assert not problems, "\n".join(problems[:40])


def select(expected: dict, **where) -> dict:
    names = {"org": 0, "year": 1, "indicator": 2, "breakdown": 3}
    return {k: v for k, v in expected.items() if all(k[names[n]] == value for n, value in where.items())}


# ---------------------------------------------------------------------------------------------------------------
# Tests


def test_every_row_loaded(build):
    assert build.csv_rows("quality/quarantine.csv") == []


def test_reported_years(return_rows):
    """Reported exactly when a snapshot is dated 31 March Y: not for RA1's 30 March 2023, RA2's 30 June 2024 or
    RA3's 31 December 2023 snapshots; RA1 2022 is reported although its only row is a Bank assignment."""
    assert {(k[0], k[1]) for k in return_rows} == REPORTED


def test_which_indicators_appear(return_rows):
    """1, 2, 3 single_year and 4 always; 3 rolling_two_year only when the previous year is reported (RA2 2024,
    RA3 2022, RA4 2024; not RA1 2024 whose previous reported year is 2022, nor RA3 2021 or 2024); 5-8 only with
    respondents in Y-1 and a question map for Y-1 (RA3 2021 and 2024; not RA3 2018 whose 2017 respondents have no
    map, nor RA3 2022 without 2021 respondents); 9 only with a board member on the day (RA4 2024, not RA4 2023)."""
    expected = {k[:4] for k in expected_return()}
    assert {k[:4] for k in return_rows} == expected
    assert {k for k in expected if k[2] == 3 and k[3] == "rolling_two_year"} == {
        ("RA2", 2024, 3, "rolling_two_year"), ("RA3", 2022, 3, "rolling_two_year"),
        ("RA4", 2024, 3, "rolling_two_year")}
    assert {k[:2] for k in expected if k[2] in (5, 6, 7, 8)} == {("RA3", 2021), ("RA3", 2024)}
    assert {k[:2] for k in expected if k[2] == 9} == {("RA4", 2024)}
    groups = Counter(k[:4] for k in return_rows)
    assert set(groups.values()) == {3}, "every indicator and breakdown has the White, BME and Unknown rows"


def test_indicator_1_grid_complete_with_zeros(return_rows):
    """Every (organisation, year) has the 34 cells of the fixed grid and the 3 totals, zero cells included."""
    for pair in REPORTED:
        breakdowns = {k[3] for k in return_rows if k[:3] == (*pair, 1)}
        assert breakdowns == set(IND1_BREAKDOWNS), pair
    assert len(IND1_BREAKDOWNS) == 15 + 19 + 3
    zero_cell = return_rows[("RA1", 2024, 1, "clinical:band_8d", "BME")]
    assert (zero_cell["numerator"], zero_cell["denominator"], zero_cell["value"]) == ("0", "0", "")
    empty_year = return_rows[("RA1", 2022, 1, "overall", "White")]
    assert (empty_year["numerator"], empty_year["denominator"], empty_year["value"]) == ("0", "0", "")


@pytest.mark.parametrize(
    ("rule", "breakdown", "counts", "wrong_cell"),
    [
        # wrong_cell: (breakdown, group, numerator) that the wrong choice would have changed
        ("Bank primary row dropped, the Permanent row chosen (P01)", "clinical:band_5", (1, 1, 0),
         ("non_clinical:band_2", "White", 0)),
        ("Honorary (any case) dropped: P02 is nowhere", "overall", (10, 8, 2), ("clinical:band_6", "White", 0)),
        ("the primary flag beats a larger fte (P03)", "non_clinical:band_4", (0, 1, 0),
         ("non_clinical:band_3", "White", 0)),
        ("none flagged: largest fte (P04)", "clinical:band_7", (0, 1, 0), ("clinical:band_6", "White", 0)),
        ("two flagged: largest fte among the flagged (P05)", "clinical:band_8b", (1, 0, 0),
         ("clinical:band_9", "BME", 0)),
        ("blank fte counts as 0 (P06)", "clinical:band_1", (1, 0, 0), ("clinical:band_8c", "BME", 0)),
        ("smallest assignment_number in text order, A10 < A9 (P07)", "clinical:under_band_1", (0, 1, 0),
         ("clinical:band_5", "White", 1)),
    ],
)
def test_population_choice(return_rows, rule, breakdown, counts, wrong_cell):
    got = tuple(int(return_rows[("RA1", 2024, 1, breakdown, g)]["numerator"]) for g in GROUPS)
    assert got == counts, rule
    wrong_breakdown, group, numerator = wrong_cell
    assert int(return_rows[("RA1", 2024, 1, wrong_breakdown, group)]["numerator"]) == numerator, rule


@pytest.mark.parametrize(
    ("rule", "breakdown", "white", "bme", "unknown"),
    [
        ("VSM first, before the medical grade (P08)", "clinical:vsm", 1, 0, 0),
        ("VSM non-clinical (P21)", "non_clinical:vsm", 0, 1, 0),
        ("Consultant (P09)", "clinical:medical_consultant", 0, 1, 0),
        ("medical grade before 'Band 5' (P10)", "clinical:medical_non_consultant_career_grade", 1, 0, 0),
        ("Foundation Year 1 (P11, Z = Unknown)", "clinical:medical_trainee", 0, 0, 1),
        ("Clinical Fellow and blank grade -> medical_other (P12, P13)", "clinical:medical_other", 1, 1, 0),
        ("'Band 5' and '5' (P01, P20)", "clinical:band_5", 1, 1, 0),
        ("'Band 5', staff group in lower case is non-clinical (P19)", "non_clinical:band_5", 1, 0, 0),
        ("'Band 8A' (P14)", "non_clinical:band_8a", 1, 0, 0),
        ("'Band 8 - Range B' (P05)", "clinical:band_8b", 1, 0, 0),
        ("'8c', Students clinical, 'CP White - Polish' (P18)", "clinical:band_8c", 1, 0, 0),
        ("'Under Band 1' (P07)", "clinical:under_band_1", 0, 1, 0),
        ("'8' alone, 'Non-AfC', blank -> other (P15, P16, P17)", "non_clinical:other", 1, 1, 1),
        ("non-clinical total: Administrative and Clerical, Estates and Ancillary", "non_clinical", 3, 3, 1),
        ("clinical total: every other staff group", "clinical", 7, 5, 1),
    ],
)
def test_indicator_1_band_reading(return_rows, rule, breakdown, white, bme, unknown):
    rows = [return_rows[("RA1", 2024, 1, breakdown, g)] for g in GROUPS]
    total = white + bme + unknown
    for row, n in zip(rows, (white, bme, unknown)):
        assert not check_return_row(row, n, total), (rule, row)


def test_indicator_1_every_cell(return_rows):
    check_return(return_rows, select(expected_return(), indicator=1))


def test_indicator_1_headline(headline_rows):
    """pct_bme = the BME value; gap_to_overall_pp = it minus the overall pct_bme (0 for overall itself, empty when
    either is empty: every cell of RA1 2022 and every empty cell)."""
    keys = [k for k in expected_headline() if k[2] == 1]
    check_headline(headline_rows, keys)
    assert float(headline_rows[("RA1", 2024, 1, "overall", "pct_bme")]["value"]) == pytest.approx(100 * 8 / 20)
    assert float(headline_rows[("RA1", 2024, 1, "overall", "gap_to_overall_pp")]["value"]) == 0
    assert headline_rows[("RA1", 2022, 1, "overall", "gap_to_overall_pp")]["value"] == ""
    assert float(headline_rows[("RA1", 2024, 1, "non_clinical:vsm", "gap_to_overall_pp")]["value"]) == \
        pytest.approx(100 - 40)


def test_indicator_2_shortlisting(return_rows):
    """Shortlisted = Y with shortlisted_date in the period (1 Apr 2023 and 31 Mar 2024 included); appointed over
    shortlisted; Unknown reported (blank and Z); zero rows where nothing happened."""
    check_return(return_rows, select(expected_return(), indicator=2))


def test_indicator_3_disciplinary(return_rows):
    """Distinct people with a Disciplinary case (any case) formally started in the period, leavers and people
    absent from every snapshot included, grouped by the event rule; the rate can exceed 100% (RA2 2024 BME 4/3)."""
    check_return(return_rows, select(expected_return(), indicator=3, breakdown="single_year"))
    assert float(return_rows[("RA2", 2024, 3, "single_year", "BME")]["value"]) > 100


def test_indicator_3_rolling_two_year(return_rows):
    """Numerators and denominators of Y and Y-1 added, only when Y-1 is reported."""
    check_return(return_rows, select(expected_return(), indicator=3, breakdown="rolling_two_year"))
    assert ("RA1", 2024, 3, "rolling_two_year", "White") not in return_rows  # 2023 not reported, 2022 is


def test_indicator_4_training(return_rows):
    """Distinct people with a non-mandatory activity in the period: Statutory, Mandatory and Statutory and
    Mandatory in any case excluded, unknown categories counted; absent people Unknown; BME 1 over 0 at RA3."""
    check_return(return_rows, select(expected_return(), indicator=4))
    row = return_rows[("RA3", 2024, 4, "all", "BME")]
    assert (row["numerator"], row["denominator"], row["value"]) == ("1", "0", "")


@pytest.mark.parametrize("indicator", [5, 6, 7, 8])
def test_survey_indicators(return_rows, indicator):
    """Both numberings (2020: q13a, q13b/q13c, q14, q15b; 2023: q14a, q14b/q14c, q15, q16b); the other
    numbering's columns ignored; base and positive per indicator, indicator 6 positive on either question."""
    check_return(return_rows, select(expected_return(), indicator=indicator))


def test_indicator_9_board(return_rows):
    """Members on 31 March 2024 (start on the day and end on the day included; ended the day before and starting
    the day after excluded); member type in any case; four breakdowns."""
    check_return(return_rows, select(expected_return(), indicator=9))


def test_return_has_nothing_else(return_rows):
    assert set(return_rows) == set(expected_return())


def test_relative_likelihoods(headline_rows):
    """RL, log-method interval, assessment and four-fifths band for indicators 2-4, including null RL when n1, n2
    or b is 0, RL 0 when a is 0, no interval when a > n1, and the exact 4:5 and 5:4 boundaries."""
    keys = [k for k in expected_headline() if k[2] in (2, 3, 4)]
    check_headline(headline_rows, keys)


@pytest.mark.parametrize(
    ("key", "band"),
    [(("RA4", 2024, 2, "all", "relative_likelihood"), "0.80 to 1.25"),    # exactly 4:5
     (("RA4", 2024, 4, "all", "relative_likelihood"), "0.80 to 1.25")],   # exactly 5:4
)
def test_four_fifths_exact_boundaries(headline_rows, key, band):
    assert headline_rows[key]["four_fifths_band"] == band


def test_survey_gaps(headline_rows):
    """gap_pp = BME minus White, Newcombe's hybrid score interval, indicator 7 read the other way round."""
    keys = [k for k in expected_headline() if k[2] in (5, 6, 7, 8)]
    check_headline(headline_rows, keys)


def test_board_difference(headline_rows):
    """difference_pp = the breakdown's BME value minus the workforce's overall BME value (10 of 21)."""
    keys = [k for k in expected_headline() if k[2] == 9]
    check_headline(headline_rows, keys)


def test_previous_value(headline_rows):
    """previous_value is the same measure one year earlier: RA2 2024 ind. 3 has 4/3, ind. 4 has 0 (RL 0 in 2023),
    ind. 2 has none (not computable in 2023), RA1 2024 has none (2023 not reported)."""
    assert float(headline_rows[("RA2", 2024, 3, "single_year", "relative_likelihood")]["previous_value"]) == \
        pytest.approx(4 / 3)
    assert float(headline_rows[("RA2", 2024, 4, "all", "relative_likelihood")]["previous_value"]) == 0
    assert headline_rows[("RA2", 2024, 2, "all", "relative_likelihood")]["previous_value"] == ""
    assert headline_rows[("RA1", 2024, 1, "overall", "pct_bme")]["previous_value"] == ""
    assert float(headline_rows[("RA2", 2024, 1, "overall", "pct_bme")]["previous_value"]) == pytest.approx(300 / 7)


def test_headline_has_nothing_else(headline_rows):
    assert set(headline_rows) == set(expected_headline())


def test_all_organisation_rows_pool_the_counts_and_recompute_the_likelihood(build, return_rows):
    """ALL rows sum every organisation's counts for the year; the national likelihood comes from the pooled
    counts, not from an average of the organisations' likelihoods."""
    pooled: dict[tuple, list[int]] = {}
    for (_, year, indicator, breakdown, group), row in return_rows.items():
        totals = pooled.setdefault((year, indicator, breakdown, group), [0, 0])
        totals[0] += int(row["numerator"])
        totals[1] += int(row["denominator"])
    national = {
        (int(r["wres_year"]), int(r["indicator"]), r["breakdown"], r["ethnic_group"]): r
        for r in build.csv_rows("returns/wres_return.csv") if r["organisation_code"] == ALL_ORGANISATIONS
    }
    assert set(national) == set(pooled)
    for key, (numerator, denominator) in pooled.items():
        assert (int(national[key]["numerator"]), int(national[key]["denominator"])) == (numerator, denominator), key

    headline = {
        (int(r["wres_year"]), int(r["indicator"]), r["breakdown"]): r
        for r in build.csv_rows("returns/wres_headline.csv") if r["organisation_code"] == ALL_ORGANISATIONS
    }
    white, bme = pooled[(2024, 2, "all", "White")], pooled[(2024, 2, "all", "BME")]
    if white[1] and bme[1] and bme[0]:
        expected = (white[0] / white[1]) / (bme[0] / bme[1])
        assert math.isclose(float(headline[(2024, 2, "all")]["value"]), expected, rel_tol=1e-9)
