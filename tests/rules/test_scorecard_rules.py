"""The diversity scorecard's rules (issue 7; spec outputs.md section 5 and docs/decisions.md, "Diversity
scorecard"), proved on one hand-built landing folder through `wres build` and the exported files
scorecard/diversity_scorecard.csv, scorecard/pay_gaps.csv and scorecard/psed_profile.csv.

Organisation SC1 has the same 40 people on 31 March 2023 and 31 March 2024, in five blocks:

| block | people | sex    | disability   | ethnic | age   | religion      | orientation  | band (group)      | rate |
|-------|--------|--------|--------------|--------|-------|---------------|--------------|-------------------|------|
| A     | 10     | Female | Yes          | H      | 26-30 | Islam         | (blank)      | band 5 (nursing)  | 15   |
| B     | 10     | Female | No           | A      | 41-45 | Christianity  | Heterosexual | band 5 (nursing)  | 20   |
| C     | 10     | Female | No           | A      | 41-45 | Christianity  | Heterosexual | band 5 (nursing)  | 26   |
| D     | 5      | Male   | Not Declared | H      | 56-60 | Sikhism       | Heterosexual | band 8a (admin)   | 40   |
| E     | 5      | Male   | No           | A      | 56-60 | declined      | Heterosexual | band 8a (admin)   | 30   |

so that most counts are multiples of 5 of at least 10 and disclosure control leaves them as they are (and the
groups of 5 show what it withholds). A board of 10 Female, White, non-disabled voting members; 40 shortlisted
applications; formal capability cases over two years; 40 survey respondents of 2023. Every expected number is
counted by hand from these rows; fractions are written out.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.harness import Build, write_csv

pytestmark = pytest.mark.slow

ORG = "SC1"
YEAR = 2024
NURSE = "Nursing and Midwifery Registered"
ADMIN = "Administrative and Clerical"
DECLINED = "I do not wish to disclose my religion/belief"
STRAIGHT = "Heterosexual or Straight"

# block: (people, sex, disability, ethnic origin, age band, religion, orientation, staff group, band, hourly rate)
BLOCKS = {
    "A": (10, "Female", "Yes", "H", "26-30", "Islam", None, NURSE, "Band 5", "15.00"),
    "B": (10, "Female", "No", "A", "41-45", "Christianity", STRAIGHT, NURSE, "Band 5", "20.00"),
    "C": (10, "Female", "No", "A", "41-45", "Christianity", STRAIGHT, NURSE, "Band 5", "26.00"),
    "D": (5, "Male", "Not Declared", "H", "56-60", "Sikhism", STRAIGHT, ADMIN, "Band 8A", "40.00"),
    "E": (5, "Male", "No", "A", "56-60", DECLINED, STRAIGHT, ADMIN, "Band 8A", "30.00"),
}

SIP_HEADER = ["organisation_code", "snapshot_date", "employee_number", "assignment_number", "primary_assignment",
              "assignment_category", "staff_group", "pay_band", "grade", "fte", "ethnic_origin", "disability",
              "sex", "age_band", "religious_belief", "sexual_orientation", "hourly_rate"]


def staff_rows() -> list[list]:
    rows = []
    for day in ("2023-03-31", "2024-03-31"):
        for block, (people, sex, disability, ethnic, age, religion, orientation, group, band, rate) in BLOCKS.items():
            for i in range(1, people + 1):
                rows.append([ORG, day, f"{block}{i}", f"{block}{i}-1", "Y", "Permanent", group, band, None, "1.0",
                             ethnic, disability, sex, age, religion, orientation, rate])
    return rows


def write_landing(root: Path) -> Path:
    write_csv(root / "organisations" / "organisations.csv",
              ["organisation_code", "organisation_name", "region", "organisation_type"],
              [[ORG, "Scorecard Rules NHS Trust", "London", "Acute"]])
    write_csv(root / "staff_in_post" / "sip.csv", SIP_HEADER, staff_rows())

    # WDES 2 (2024): non-disabled 15 of 20 appointed, Disabled 10 of 20; two applications never shortlisted
    rec = []
    for i in range(1, 21):
        rec.append([ORG, f"N{i}", "V1", "A", "No", None, "Y", "2023-06-01", "Y" if i <= 15 else "N"])
        rec.append([ORG, f"D{i}", "V1", "A", "Yes", None, "Y", "2023-06-01", "Y" if i <= 10 else "N"])
    rec += [[ORG, "X1", "V1", "A", "Yes", None, "N", None, "N"], [ORG, "X2", "V1", "A", "Yes", None, "N", None, "N"]]
    write_csv(root / "recruitment" / "applications.csv",
              ["organisation_code", "application_id", "vacancy_id", "ethnic_origin", "disability", "sex",
               "shortlisted", "shortlisted_date", "appointed"], rec)

    # WDES 3: formal capability, A1-A5 (Disabled) and B1-B5 (non-disabled) in 2023's period, A6-A10 and B6-B10
    # in 2024's; C1 never formal; C2 a disciplinary case (not capability)
    er = []
    for block in ("A", "B"):
        for i in range(1, 11):
            start = "2022-06-01" if i <= 5 else "2023-06-01"
            er.append([ORG, f"K{block}{i}", f"{block}{i}", "Capability", start, None])
    er += [[ORG, "KC1", "C1", "Capability", None, "2023-06-01"], [ORG, "KC2", "C2", "Disciplinary", "2023-06-01", None]]
    write_csv(root / "employee_relations" / "cases.csv",
              ["organisation_code", "case_id", "employee_number", "case_type", "formal_start_date",
               "informal_start_date"], er)

    write_csv(root / "training" / "training.csv",
              ["organisation_code", "record_id", "employee_number", "category", "activity_date"], [])

    # WDES 4a(i) and 5 (2024, from the 2023 survey): Disabled 15 of 20 harassed by the public (answer 2), 10 of 20
    # see equal opportunities (answer 1); non-disabled 10 of 20 harassed (answer 3), 15 of 20 see them
    sv = []
    for i in range(1, 21):
        sv.append([ORG, 2023, f"RD{i}", "A", "Yes", "2" if i <= 15 else "1", "1" if i <= 10 else "2"])
        sv.append([ORG, 2023, f"RN{i}", "A", "No", "3" if i <= 10 else "1", "1" if i <= 15 else "3"])
    write_csv(root / "staff_survey" / "nss_2023.csv",
              ["organisation_code", "survey_year", "respondent_id", "ethnic_origin", "disability", "q14a", "q15"],
              sv)

    # WDES 10: a board of 10 Female, White, non-disabled voting members (5 executive, 5 non-executive)
    board = [[ORG, f"M{i}", "Executive" if i <= 5 else "Non-executive", "Y", "A", "No", "Female", "2020-01-01"]
             for i in range(1, 11)]
    write_csv(root / "board" / "board.csv",
              ["organisation_code", "member_id", "member_type", "voting", "ethnic_origin", "disability", "sex",
               "start_date"], board)
    return root


@pytest.fixture(scope="module")
def build(build_landing, tmp_path_factory) -> Build:
    landing = write_landing(tmp_path_factory.mktemp("scorecard_landing"))
    result = build_landing(landing, "scorecard_rules")
    assert result.returncode == 0, result.output[-4000:]
    return result


@pytest.fixture(scope="module")
def scorecard(build) -> dict[tuple[int, str, str], dict[str, str]]:
    rows = build.csv_rows("scorecard/diversity_scorecard.csv")
    index = {(int(r["wres_year"]), r["measure"], r["group_name"]): r for r in rows if r["organisation_code"] == ORG}
    assert len(index) == len(rows), "duplicate keys in diversity_scorecard.csv"
    return index


def number(text: str) -> float | None:
    return None if text == "" else float(text)


def assert_value(row: dict[str, str], expected: float | None, rating: str) -> None:
    value = number(row["value"])
    if expected is None:
        assert value is None, row
    else:
        assert value is not None and math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12), (row, expected)
    assert row["rating"] == rating, row


# The scorecard's values and ratings -------------------------------------------------------------------------------

# (measure, group): (value, rating), for 2024
EXPECTED_2024 = {
    # WDES 10: the board's Disabled share 0/10 minus the workforce's 10/40; Female 10/10 minus 30/40
    ("board_representation_disability", "Disabled"): (0.0 - 25.0, "red"),
    ("board_representation_sex", "Female"): (100.0 - 75.0, "red"),
    ("board_voting_representation_ethnicity", "BME"): (0.0 - 37.5, "red"),
    # senior bands (8a and above): D and E, 10 men aged 56-60, one of them (D) not declared, none Disabled
    ("senior_representation_sex", "Female"): (0.0 - 75.0, "red"),
    ("senior_representation_disability", "Disabled"): (0.0 - 25.0, "red"),
    ("senior_representation_age_group", "51 and over"): (100.0 - 25.0, "red"),
    ("senior_representation_age_group", "30 and under"): (0.0 - 25.0, "red"),
    # WDES 2: non-disabled over Disabled, (15/20)/(10/20) = 1.5: amber, the bound included
    ("appointment_likelihood_disability", "Disabled"): (1.5, "amber"),
    # WDES 3, two-year rolling: Disabled (5+5)/(10+10) over non-disabled (5+5)/(25+25) = 0.5/0.2 = 2.5
    ("capability_likelihood_disability", "Disabled"): (2.5, "red"),
    # WDES 4a(i): Disabled 15/20 minus non-disabled 10/20, in points; WDES 5: 10/20 minus 15/20 (higher is better)
    ("harassment_public_gap_disability", "Disabled"): (75.0 - 50.0, "red"),
    ("career_progression_gap_disability", "Disabled"): (50.0 - 75.0, "red"),
    # pay, sex: Male 5 x 40 and 5 x 30 (mean 35; median of 10 = (30 + 40) / 2 = 35), Female 10 x 15, 10 x 20,
    # 10 x 26 (mean 610/30; median of 30 = the 15th and 16th, both 20)
    ("mean_pay_gap_sex", "Female"): (100 * (35 - 610 / 30) / 35, "red"),
    ("median_pay_gap_sex", "Female"): (100 * (35 - 20) / 35, "red"),
    # pay, ethnicity: White B, C, E (mean 610/25 = 24.4; median of 25 = the 13th = 26), BME A, D (mean 350/15;
    # median of 15 = the 8th = 15)
    ("mean_pay_gap_ethnicity", "BME"): (100 * (24.4 - 350 / 15) / 24.4, "green"),
    ("median_pay_gap_ethnicity", "BME"): (100 * (26 - 15) / 26, "red"),
    # pay, disability: non-disabled B, C, E (as White), Disabled A (all 15); D (Not Declared) is Unknown
    ("mean_pay_gap_disability", "Disabled"): (100 * (24.4 - 15) / 24.4, "red"),
    ("median_pay_gap_disability", "Disabled"): (100 * (26 - 15) / 26, "red"),
    # declaration rates from published counts: disability 35 of 40 known (D not declared); religion 35 of 40
    # (E declined: Not declared); ethnicity 40 of 40; sexual orientation 30 of 40 (A blank)
    ("declaration_rate_disability", "Declared"): (87.5, "amber"),
    ("declaration_rate_religion_or_belief", "Declared"): (87.5, "amber"),
    ("declaration_rate_ethnicity", "Declared"): (100.0, "green"),
    ("declaration_rate_sexual_orientation", "Declared"): (75.0, "red"),
    # profile shares: not rated; a group of 5 is withheld
    ("profile_share_sex", "Female"): (75.0, "not rated"),
    ("profile_share_religion_or_belief", "Christianity"): (50.0, "not rated"),
    ("profile_share_religion_or_belief", "Sikhism"): (None, "not rated"),
    ("profile_share_religion_or_belief", "Not declared"): (None, "not rated"),
    ("profile_share_age_band", "26-30"): (25.0, "not rated"),
    # one non-disabled person (C2) entered the formal disciplinary process: a count of 1 is withheld, and so
    # is the likelihood built on it; nobody trained: no likelihood at all
    ("disciplinary_likelihood_disability", "Disabled"): (None, "not rated"),
    ("training_likelihood_disability", "Disabled"): (None, "not rated"),
}


def test_build_succeeds(build):
    assert build.returncode == 0


@pytest.mark.parametrize("key", sorted(EXPECTED_2024), ids=lambda key: f"{key[0]}:{key[1]}")
def test_scorecard_value_and_rating(scorecard, key):
    measure, group = key
    row = scorecard.get((YEAR, measure, group))
    assert row is not None, f"no scorecard row for {key}"
    expected, rating = EXPECTED_2024[key]
    assert_value(row, expected, rating)


def test_scorecard_rows_carry_aim_outcome_target_and_basis(scorecard):
    capability = scorecard[(YEAR, "capability_likelihood_disability", "Disabled")]
    assert (capability["aim"], capability["eds2_outcome"], capability["standard"], capability["characteristic"],
            capability["reference_group"], capability["unit"], capability["target"], capability["value_basis"]) == (
        "inclusive_culture", "3.6", "WDES 3", "disability", "Non-disabled", "ratio", "1.0", "published counts")
    pay = scorecard[(YEAR, "median_pay_gap_sex", "Female")]
    assert (pay["aim"], pay["eds2_outcome"], pay["reference_group"], pay["value_basis"]) == (
        "representative_workforce", "3.2", "Male", "hourly pay")
    board = scorecard[(YEAR, "board_representation_disability", "Disabled")]
    assert (board["aim"], board["standard"], board["target"]) == ("inclusive_leadership", "WDES 10", "0.0")


def test_withheld_values_are_flagged(scorecard):
    for measure, group in [("profile_share_religion_or_belief", "Sikhism"),
                           ("disciplinary_likelihood_disability", "Disabled")]:
        assert scorecard[(YEAR, measure, group)]["suppressed"] == "true", (measure, group)
    for measure, group in [("profile_share_sex", "Female"), ("training_likelihood_disability", "Disabled")]:
        assert scorecard[(YEAR, measure, group)]["suppressed"] == "false", (measure, group)


def test_trend_compares_with_the_previous_year(scorecard):
    """The 2023 workforce is the 2024 one: every pay gap and declaration rate is level ('→', unchanged); the
    survey and the rolling capability measure have no 2023 value (no 2022 survey; 2022 not reported)."""
    for measure, group in [("mean_pay_gap_sex", "Female"), ("median_pay_gap_ethnicity", "BME"),
                           ("declaration_rate_disability", "Declared")]:
        row = scorecard[(YEAR, measure, group)]
        assert (row["trend_arrow"], row["trend"], row["change_from_previous"]) == ("→", "unchanged", "0.0"), row
        assert row["previous_value"] == row["value"]
    for measure in ("harassment_public_gap_disability", "capability_likelihood_disability"):
        row = scorecard[(YEAR, measure, "Disabled")]
        assert (row["previous_value"], row["trend_arrow"], row["trend"]) == ("", "", ""), row
    assert (2023, "capability_likelihood_disability", "Disabled") not in scorecard


def test_profile_shares_have_no_direction(scorecard):
    row = scorecard[(YEAR, "profile_share_sex", "Female")]
    assert (row["trend_arrow"], row["trend"]) == ("→", "")


# The pay gaps and the PSED profile -------------------------------------------------------------------------------


def test_pay_gaps(build):
    rows = {r["characteristic"]: r for r in build.csv_rows("scorecard/pay_gaps.csv")
            if r["organisation_code"] == ORG and int(r["wres_year"]) == YEAR}
    expected = {
        # characteristic: (reference, comparison, reference headcount, comparison headcount, mean gap, median gap)
        "sex": ("Male", "Female", 10, 30, 100 * (35 - 610 / 30) / 35, 100 * (35 - 20) / 35),
        "ethnicity": ("White", "BME", 25, 15, 100 * (24.4 - 350 / 15) / 24.4, 100 * (26 - 15) / 26),
        "disability": ("Non-disabled", "Disabled", 25, 10, 100 * (24.4 - 15) / 24.4, 100 * (26 - 15) / 26),
    }
    assert set(rows) == set(expected)
    for characteristic, (reference, comparison, n_reference, n_comparison, mean, median) in expected.items():
        row = rows[characteristic]
        assert (row["reference_group"], row["comparison_group"]) == (reference, comparison)
        assert (int(row["reference_headcount"]), int(row["comparison_headcount"])) == (n_reference, n_comparison)
        assert math.isclose(float(row["mean_gap_pct"]), mean, rel_tol=1e-9), (characteristic, row)
        assert math.isclose(float(row["median_gap_pct"]), median, rel_tol=1e-9), (characteristic, row)
        assert row["suppressed"] == "false"
    assert "reference_mean_hourly_pay" not in rows["sex"], "no group's own pay is published"


def test_psed_profile(build):
    rows = {(r["characteristic"], r["breakdown"], r["group_name"]): r for r in build.csv_rows("scorecard/psed_profile.csv")
            if r["organisation_code"] == ORG and int(r["wres_year"]) == YEAR}
    expected = {
        # (characteristic, breakdown, group): (headcount, total, share); None = withheld
        ("sex", "overall", "Female"): (30, 40, 75.0),
        ("sex", "overall", "Male"): (10, 40, 25.0),
        ("sex", "overall", "Unknown"): (0, 40, 0.0),
        ("sex", "cluster_2", "Female"): (30, 30, 100.0),       # bands 5 to 7: blocks A, B, C
        ("sex", "cluster_3", "Male"): (10, 10, 100.0),         # bands 8a and 8b: blocks D, E
        ("sex", "cluster_1", "Female"): (0, 0, None),          # nobody in bands 1 to 4: no share
        ("disability", "overall", "Disabled"): (10, 40, 25.0),
        ("disability", "overall", "Non-disabled"): (25, 40, 62.5),
        ("disability", "overall", "Unknown"): (None, 40, None),  # 5: withheld
        ("ethnicity", "overall", "BME"): (15, 40, 37.5),
        ("ethnic_category", "overall", "H Asian or Asian British - Indian"): (15, 40, 37.5),
        ("ethnic_category", "overall", "A White - British"): (25, 40, 62.5),
        ("age_band", "overall", "41-45"): (20, 40, 50.0),
        ("age_band", "cluster_3", "56-60"): (10, 10, 100.0),
        ("religion_or_belief", "overall", "Islam"): (10, 40, 25.0),
        ("religion_or_belief", "overall", "Not declared"): (None, 40, None),
        ("religion_or_belief", "overall", "Sikhism"): (None, 40, None),
        ("sexual_orientation", "overall", "Unknown"): (10, 40, 25.0),
        ("sexual_orientation", "overall", STRAIGHT): (30, 40, 75.0),
    }
    for key, (headcount, total, share) in expected.items():
        row = rows.get(key)
        assert row is not None, f"no profile row for {key}"
        assert number(row["headcount"]) == headcount, (key, row)
        assert number(row["total"]) == total, (key, row)
        assert number(row["share"]) == share, (key, row)
        assert row["suppressed"] == ("true" if headcount is None else "false"), (key, row)
    characteristics = {key[0] for key in rows}
    assert characteristics == {"age_band", "disability", "ethnicity", "ethnic_category", "religion_or_belief", "sex",
                               "sexual_orientation"}
    breakdowns = {key[1] for key in rows}
    assert breakdowns == {"overall", "cluster_1", "cluster_2", "cluster_3", "cluster_4", "cluster_5", "cluster_6",
                          "cluster_7", "cluster_other"}


def test_published_tables_hold_no_small_count(build):
    for table, columns in [("scorecard/psed_profile.csv", ["headcount", "total"]),
                           ("scorecard/pay_gaps.csv", ["reference_headcount", "comparison_headcount"])]:
        for row in build.csv_rows(table):
            for column in columns:
                count = number(row[column])
                assert count is None or (not 1 <= count <= 7 and count % 5 == 0), (table, row)


def test_wres_return_ignores_the_other_characteristics(build):
    """The WRES indicators of SC1 are those of its ethnic groups only (White 25, BME 15 in 2024)."""
    overall = {r["ethnic_group"]: r for r in build.csv_rows("returns/wres_return.csv")
               if r["organisation_code"] == ORG and r["wres_year"] == str(YEAR) and r["indicator"] == "1"
               and r["breakdown"] == "overall"}
    assert {group: int(row["numerator"]) for group, row in overall.items()} == {"White": 25, "BME": 15, "Unknown": 0}
