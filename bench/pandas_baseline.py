"""The baseline an analyst would write: the nine WRES indicators with pandas, straight from the landing CSVs.

Run as `python -m bench.pandas_baseline LANDING_DIR [--out FILE.csv]`. It reads every file of every source with
`pandas.read_csv` (all text), trims values, parses dates, and computes the counts of spec/indicators.md with
filters, sorts and group-bys: numerator and denominator per organisation, WRES year, indicator, breakdown and
ethnic group (White, BME, Unknown).

It is a fair baseline, not a second warehouse: it applies the indicator rules (the workforce population, the
assignment choice, the ethnic group for events from the latest snapshot, the survey bases, the board on 31
March), but not the loader's quarantine rules (a row with a bad date or an unknown staff group is kept or dropped
as pandas happens to parse it), nor disclosure control, intervals or the other marts. Its counts agree with the
warehouse's return on clean rows (`bench.national` reports the share of matching rows).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
BME_CODES = set("DEFGHJKLMNPRS")
WHITE_CODES = set("ABC")
NON_CLINICAL = {"administrative and clerical", "estates and ancillary"}
MEDICAL_GRADES = {
    "consultant": "medical_consultant",
    "specialty doctor": "medical_non_consultant_career_grade",
    "associate specialist": "medical_non_consultant_career_grade",
    "specialist": "medical_non_consultant_career_grade",
    "staff grade": "medical_non_consultant_career_grade",
    "hospital practitioner": "medical_non_consultant_career_grade",
    "clinical assistant": "medical_non_consultant_career_grade",
    "foundation year 1": "medical_trainee",
    "foundation year 2": "medical_trainee",
    "core training": "medical_trainee",
    "specialty registrar": "medical_trainee",
    "specialty trainee": "medical_trainee",
}
AFC_BANDS = {"under1": "under_band_1", **{str(b): f"band_{b}" for b in (1, 2, 3, 4, 5, 6, 7, 9)},
             **{f"8{x}": f"band_8{x}" for x in "abcd"}}
MANDATORY = {"statutory", "mandatory", "statutory and mandatory"}


def read_source(landing: Path, source: str) -> pd.DataFrame:
    """Every CSV of a source, all text, column names lower-cased and values trimmed."""
    frames = []
    for path in sorted((landing / source).glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding_errors="replace")
        frame.columns = [c.strip().lower() for c in frame.columns]
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    frame["organisation_code"] = frame["organisation_code"].str.upper()
    return frame


def to_date(values: pd.Series) -> pd.Series:
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    return iso.fillna(pd.to_datetime(values, format="%d/%m/%Y", errors="coerce"))


def ethnic_group(values: pd.Series) -> pd.Series:
    token = values.str.extract(r"^([A-Za-z0-9]+)", expand=False).str.upper()
    recognised = token.str.fullmatch(r"[ABCDEFGHJKLMNPRS][A-Z0-9]?").fillna(False).astype(bool)
    first = token.str[0]
    group = np.where(recognised & first.isin(WHITE_CODES), "White",
                     np.where(recognised & first.isin(BME_CODES), "BME", "Unknown"))
    return pd.Series(group, index=values.index)


def is_yes(values: pd.Series) -> pd.Series:
    return values.str.lower().isin(["y", "yes", "true"])


def choose_assignment(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per person: primary first, then the largest fte, then the smallest assignment number."""
    ordered = rows.assign(_primary=~rows["is_primary"], _fte=-rows["fte_value"]).sort_values(
        keys + ["employee_number", "_primary", "_fte", "assignment_number"]
    )
    return ordered.drop_duplicates(keys + ["employee_number"], keep="first")


def counts(frame: pd.DataFrame, by: list[str], positive: str | None = None) -> pd.DataFrame:
    grouped = frame.groupby(by, observed=True)
    result = grouped.size().rename("denominator").to_frame()
    result["numerator"] = grouped[positive].sum() if positive else result["denominator"]
    return result.reset_index()


def compute(landing: Path) -> pd.DataFrame:
    results = []

    # Staff in post: every snapshot, with the person's chosen row and group.
    staff = read_source(landing, "staff_in_post")
    staff["snapshot_date"] = to_date(staff["snapshot_date"])
    staff = staff.dropna(subset=["snapshot_date"])
    staff["is_primary"] = is_yes(staff["primary_assignment"])
    staff["fte_value"] = pd.to_numeric(staff["fte"], errors="coerce").fillna(0.0)
    staff["ethnic_group"] = ethnic_group(staff["ethnic_origin"])
    staff = staff.drop_duplicates(["organisation_code", "snapshot_date", "assignment_number"])

    # Reported years: a snapshot dated exactly 31 March.
    march = staff[(staff["snapshot_date"].dt.month == 3) & (staff["snapshot_date"].dt.day == 31)]
    years = march[["organisation_code", "snapshot_date"]].drop_duplicates()
    years["wres_year"] = years["snapshot_date"].dt.year

    # The workforce population P(O, Y).
    category = march["assignment_category"].str.lower()
    population = choose_assignment(march[~category.isin(["bank", "honorary"])], ["organisation_code", "snapshot_date"])
    population = population.assign(wres_year=population["snapshot_date"].dt.year)
    denominators = counts(population, ["organisation_code", "wres_year", "ethnic_group"])[
        ["organisation_code", "wres_year", "ethnic_group", "denominator"]
    ]

    # Indicator 1: cells of clinical flag x band.
    staff_group = population["staff_group"].str.lower()
    band_key = (population["pay_band"].str.lower().str.replace(" ", "").str.replace("band", "")
                .str.replace("-range", ""))
    band = band_key.map(AFC_BANDS).fillna("other")
    medical = population["grade"].str.lower().map(MEDICAL_GRADES).fillna("medical_other")
    band = np.where(band_key == "vsm", "vsm", np.where(staff_group == "medical and dental", medical, band))
    clinical = np.where(staff_group.isin(NON_CLINICAL), "non_clinical", "clinical")
    population = population.assign(breakdown=pd.Series(clinical, index=population.index) + ":" + band,
                                   side=clinical)
    cells = []
    for by in ("breakdown", "side"):
        cell = population.groupby(["organisation_code", "wres_year", by, "ethnic_group"]).size()
        cell = cell.rename("numerator").reset_index().rename(columns={by: "breakdown"})
        cell["denominator"] = cell.groupby(["organisation_code", "wres_year", "breakdown"])["numerator"].transform("sum")
        cells.append(cell)
    overall = counts(population, ["organisation_code", "wres_year", "ethnic_group"])
    overall["numerator"] = overall["denominator"]
    overall["denominator"] = overall.groupby(["organisation_code", "wres_year"])["numerator"].transform("sum")
    cells.append(overall.assign(breakdown="overall"))
    results.append(pd.concat(cells).assign(indicator=1))

    # Ethnic group for events: the chosen row of every snapshot (Bank and Honorary included).
    snapshot_people = choose_assignment(staff, ["organisation_code", "snapshot_date"])[
        ["organisation_code", "employee_number", "snapshot_date", "ethnic_group"]
    ].sort_values("snapshot_date")

    def event_indicator(events: pd.DataFrame, date_column: str, indicator: int) -> None:
        events = events.assign(wres_year=events[date_column].dt.year + (events[date_column].dt.month >= 4))
        events = events.merge(years[["organisation_code", "wres_year"]], on=["organisation_code", "wres_year"])
        people = events.drop_duplicates(["organisation_code", "wres_year", "employee_number"], keep="first").copy()
        people["snapshot_day"] = pd.to_datetime(people["wres_year"].astype(str) + "-03-31")
        matched = pd.merge_asof(
            people.sort_values("snapshot_day"), snapshot_people.rename(columns={"ethnic_group": "snapshot_group"}),
            left_on="snapshot_day", right_on="snapshot_date", by=["organisation_code", "employee_number"],
        )
        matched["ethnic_group"] = matched["snapshot_group"].fillna(matched["event_group"])
        event_counts = matched.groupby(["organisation_code", "wres_year", "ethnic_group"]).size().rename("numerator")
        single = denominators.merge(event_counts.reset_index(), how="left",
                                    on=["organisation_code", "wres_year", "ethnic_group"]).fillna({"numerator": 0})
        results.append(single.assign(indicator=indicator, breakdown="single_year" if indicator == 3 else "all"))
        if indicator == 3:
            previous = single.assign(wres_year=single["wres_year"] + 1)
            rolling = single.merge(previous, on=["organisation_code", "wres_year", "ethnic_group"], suffixes=("", "_p"))
            rolling["numerator"] += rolling["numerator_p"]
            rolling["denominator"] += rolling["denominator_p"]
            results.append(rolling[single.columns].assign(indicator=3, breakdown="rolling_two_year"))

    # Indicator 3: formal disciplinary.
    cases = read_source(landing, "employee_relations")
    cases["formal_start_date"] = to_date(cases["formal_start_date"])
    cases = cases[(cases["case_type"].str.lower() == "disciplinary") & cases["formal_start_date"].notna()]
    cases = cases.assign(event_group=ethnic_group(cases["ethnic_origin"]))
    event_indicator(cases, "formal_start_date", 3)

    # Indicator 4: non-mandatory training.
    training = read_source(landing, "training")
    training = training[~training["category"].str.lower().isin(MANDATORY)]
    training = training.assign(activity_date=to_date(training["activity_date"]), event_group="Unknown")
    event_indicator(training.dropna(subset=["activity_date"]), "activity_date", 4)

    # Indicator 2: appointment from shortlisting.
    applications = read_source(landing, "recruitment")
    applications["shortlisted_date"] = to_date(applications["shortlisted_date"])
    applications = applications[is_yes(applications["shortlisted"]) & applications["shortlisted_date"].notna()]
    date = applications["shortlisted_date"]
    applications = applications.assign(
        wres_year=date.dt.year + (date.dt.month >= 4),
        ethnic_group=ethnic_group(applications["ethnic_origin"]),
        appointed=is_yes(applications["appointed"]),
    ).merge(years[["organisation_code", "wres_year"]], on=["organisation_code", "wres_year"])
    results.append(counts(applications, ["organisation_code", "wres_year", "ethnic_group"], "appointed")
                   .assign(indicator=2, breakdown="all"))

    # Indicators 5 to 8: the staff survey, questions by the mapping of the survey year.
    survey = read_source(landing, "staff_survey")
    survey["wres_year"] = pd.to_numeric(survey["survey_year"], errors="coerce") + 1
    survey = survey.merge(years[["organisation_code", "wres_year"]], on=["organisation_code", "wres_year"])
    survey = survey.drop_duplicates(["organisation_code", "survey_year", "respondent_id"])
    survey["ethnic_group"] = ethnic_group(survey["ethnic_origin"])
    mapping = pd.read_csv(SEEDS / "survey_question_map.csv", dtype=str)
    for _, questions in mapping.iterrows():
        rows = survey[survey["survey_year"] == questions["survey_year"]]
        if rows.empty:
            continue

        def answer(column: str, rows: pd.DataFrame = rows) -> pd.Series:
            return pd.to_numeric(rows[column], errors="coerce") if column in rows else pd.Series(np.nan, rows.index)

        q5, q6a, q6b = answer(questions["indicator_5"]), answer(questions["indicator_6_first"]), answer(questions["indicator_6_second"])
        q7, q8 = answer(questions["indicator_7"]), answer(questions["indicator_8"])
        scored = {
            5: (q5.between(1, 5), q5.between(2, 5)),
            6: (q6a.between(1, 5) | q6b.between(1, 5), q6a.between(2, 5) | q6b.between(2, 5)),
            7: (q7.between(1, 3), q7 == 1),
            8: (q8.between(1, 2), q8 == 1),
        }
        for indicator, (base, positive) in scored.items():
            answered = rows[base].assign(positive=positive[base])
            results.append(counts(answered, ["organisation_code", "wres_year", "ethnic_group"], "positive")
                           .assign(indicator=indicator, breakdown="all"))

    # Indicator 9: the board on 31 March.
    board = read_source(landing, "board")
    board["start_date"] = to_date(board["start_date"])
    board["end_date"] = to_date(board["end_date"])
    board["ethnic_group"] = ethnic_group(board["ethnic_origin"])
    members = board.merge(years, on="organisation_code")
    members = members[(members["start_date"] <= members["snapshot_date"])
                      & (members["end_date"].isna() | (members["end_date"] >= members["snapshot_date"]))]
    member_type = members["member_type"].str.lower()
    for breakdown, chosen in {
        "board_all": members.index == members.index,
        "board_voting": is_yes(members["voting"]),
        "board_executive": member_type == "executive",
        "board_non_executive": member_type == "non-executive",
    }.items():
        part = members[chosen].groupby(["organisation_code", "wres_year", "ethnic_group"]).size().rename("numerator")
        part = part.reset_index()
        part["denominator"] = part.groupby(["organisation_code", "wres_year"])["numerator"].transform("sum")
        results.append(part.assign(indicator=9, breakdown=breakdown))

    columns = ["organisation_code", "wres_year", "indicator", "breakdown", "ethnic_group", "numerator", "denominator"]
    result = pd.concat(results, ignore_index=True)[columns]
    result["wres_year"] = result["wres_year"].astype(int)
    result[["numerator", "denominator"]] = result[["numerator", "denominator"]].astype(int)
    result["value"] = 100 * result["numerator"] / result["denominator"].where(result["denominator"] > 0)
    return result.sort_values(columns[:5]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--out", type=Path, help="write the counts to this CSV")
    args = parser.parse_args(argv)
    result = compute(args.landing)
    if args.out:
        result.to_csv(args.out, index=False)
    print(f"{len(result)} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
