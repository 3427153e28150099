"""The synthetic landing-data generator: deterministic, laid out as spec/sources.md says, awkward where real
extracts are, realistic, and with bad rows that the real loader quarantines exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import asdict, replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.lib.contract import QUESTION_COLUMN_PATTERN, SOURCES, SOURCES_BY_NAME
from orchestration.lib.generator import MANIFEST_NAME, GeneratorOptions, _organisations, expected_bad_rows, generate
from orchestration.lib.loader import load_source
from orchestration.settings import SEEDS_DIR

RUN_DATE = dt.date(2026, 11, 22)
# Small enough to load in seconds; survey years 2019 to 2021 cover both question numberings.
SMALL = GeneratorOptions(organisations=3, staff_per_organisation=150, years=3, last_year=2022, seed=7)
EXTRA_COLUMNS = {"training": {"completion_status"}}
CASE_TYPES = ("Disciplinary", "Capability", "Grievance", "Bullying and Harassment", "Sickness")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The bundled sample: the default options."""
    out = tmp_path_factory.mktemp("sample")
    generate(out, GeneratorOptions())
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(out, SMALL)
    return out


def csv_files(landing: Path) -> dict[str, bytes]:
    return {p.relative_to(landing).as_posix(): p.read_bytes() for p in sorted(landing.rglob("*.csv"))}


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read(path: Path) -> pd.DataFrame:
    """A landing file as text, with lower-cased header names."""
    frame = pd.read_csv(io.StringIO(decode(path.read_bytes())), dtype=str, keep_default_na=False)
    return frame.rename(columns=lambda c: c.strip().lower())


def read_source(landing: Path, source: str, pattern: str = "*.csv") -> pd.DataFrame:
    """Every file of the source matching the pattern, with the file's name in `file`."""
    files = sorted((landing / source).glob(pattern))
    return pd.concat([read(p).assign(file=p.name) for p in files], ignore_index=True)


def ethnic_group(value: str) -> str:
    code = re.match(r"[A-Za-z0-9]*", value.strip()).group(0).upper()
    if re.fullmatch(r"[ABC][A-Z0-9]?", code):
        return "White"
    if re.fullmatch(r"[DEFGHJKLMNPRS][A-Z0-9]?", code):
        return "BME"
    return "Unknown"


def is_true(flag: str) -> bool:
    return flag.strip().lower() in ("y", "yes", "true")


# ---------------------------------------------------------------------------------------------------------------
# Determinism


def test_the_same_options_give_identical_bytes(small, tmp_path):
    generate(tmp_path, SMALL)
    again = csv_files(tmp_path)
    assert again == csv_files(small)
    assert (tmp_path / MANIFEST_NAME).read_bytes() == (small / MANIFEST_NAME).read_bytes()


def test_another_seed_gives_other_data(small, tmp_path):
    generate(tmp_path, replace(SMALL, seed=8))
    first, other = csv_files(small), csv_files(tmp_path)
    shared = first.keys() & other.keys()  # names without organisation codes: organisations, survey, board, Trac
    assert len(shared) >= 6 and all(first[name] != other[name] for name in shared)


# ---------------------------------------------------------------------------------------------------------------
# Layout


def test_every_source_has_its_folder_and_the_manifest_sits_outside_them(sample):
    assert sorted(p.name for p in sample.iterdir()) == sorted([MANIFEST_NAME, *(s.name for s in SOURCES)])
    for source in SOURCES:
        assert list((sample / source.name).glob("*.csv")), source.name
    manifest = json.loads((sample / MANIFEST_NAME).read_text())
    assert manifest["options"] == asdict(GeneratorOptions())
    for source in SOURCES:
        files = manifest["sources"][source.name]["files"]
        assert sorted(files) == sorted(p.name for p in (sample / source.name).glob("*.csv"))


def test_headers_are_the_spec_columns(sample):
    for path in sorted(sample.rglob("*.csv")):
        source = SOURCES_BY_NAME[path.parent.name]
        header = [name.strip().lower() for name in next(csv.reader(io.StringIO(decode(path.read_bytes()))))]
        columns = list(source.column_names)
        assert header[: len(columns)] == columns, path.name
        for extra in header[len(columns):]:
            if source.has_questions:
                assert re.match(QUESTION_COLUMN_PATTERN, extra), (path.name, extra)
            else:
                assert extra in EXTRA_COLUMNS.get(source.name, set()), (path.name, extra)


def test_a_31_march_snapshot_for_every_organisation_and_year_and_some_mid_year_ones(sample):
    codes = set(read(sample / "organisations" / "organisations.csv")["organisation_code"]) - {"QXE"}
    names = {p.name for p in (sample / "staff_in_post").glob("*.csv")}
    assert all(re.fullmatch(r"[A-Z0-9]{3}_staff_in_post_\d{4}-\d{2}-\d{2}\.csv", name) for name in names)
    assert {f"{code}_staff_in_post_{year}-03-31.csv" for code in codes for year in range(2021, 2026)} <= names
    assert any(name.endswith("-09-30.csv") for name in names)


def test_organisations_name_region_and_type(sample):
    organisations = read(sample / "organisations" / "organisations.csv")
    valid = organisations[organisations["organisation_name"] != ""]
    assert len(valid["organisation_code"].unique()) == 4
    assert valid["organisation_code"].str.fullmatch(r"R[0-9A-Z]{2}").all()
    assert set(valid["region"]) <= {"North East and Yorkshire", "North West", "Midlands", "East of England", "London",
                                    "South East", "South West"}
    assert set(valid["organisation_type"]) <= {"Acute", "Mental Health", "Community", "Ambulance", "Specialist"}


def test_the_national_profile_has_about_210_trusts_and_14_million_staff():
    organisations = _organisations(GeneratorOptions(profile="national", organisations=2, staff_per_organisation=5))
    sizes = [o.size for o in organisations]
    assert 200 <= len(organisations) <= 220
    assert 1_300_000 <= sum(sizes) <= 1_500_000
    assert 300 <= min(sizes) and max(sizes) <= 25_000
    assert len({o.region for o in organisations}) == 7
    assert {o.type for o in organisations} == {"Acute", "Mental Health", "Community", "Ambulance", "Specialist"}
    assert len({o.code for o in organisations}) == len(organisations)


# ---------------------------------------------------------------------------------------------------------------
# Awkward input


def test_encodings_line_ends_and_header_spellings(sample):
    files = csv_files(sample)
    assert any(name.startswith("staff_in_post/") and data.startswith(b"\xef\xbb\xbf") for name, data in files.items())
    windows = [name for name, data in files.items() if name.startswith("training/") and not is_utf8(data)]
    assert windows and "Zoë" in files[windows[0]].decode("cp1252")
    assert any(b"\r\n" in data for data in files.values())
    headers = {name: decode(data).split("\n", 1)[0] for name, data in files.items()}
    assert any(h.startswith("Organisation_Code,") for h in headers.values())
    assert any("COMPLETION_STATUS" in h for h in headers.values())


def test_values_come_in_the_spellings_of_real_extracts(sample):
    staff = read_source(sample, "staff_in_post")
    dates = set(staff["snapshot_date"])
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    assert any(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates)
    assert any(re.fullmatch(r"\d/\d/\d{4}|\d{2}/\d/\d{4}", d) for d in dates)
    ethnic = set(staff["ethnic_origin"])
    assert {"A", "A White - British", "N Black or Black British - African", "Z Not Stated", "99", ""} <= ethnic
    assert {"CP", "C3"} & ethnic and any(re.fullmatch(r"[A-Z][A-Z0-9] .+", e) for e in ethnic)
    assert {"Permanent", "Bank", "Honorary"} <= set(staff["assignment_category"])
    assert {"Consultant", "Specialty Doctor", "Foundation Year 1"} <= set(staff["grade"])
    bands = set(staff["pay_band"])
    assert {"Band 5", "VSM", "Under Band 1", ""} <= bands
    assert bands & {"Band 8A", "Band 8B"} and bands & {"Band 8 - Range A", "Band 8 - Range B"}
    assert bands & {"8a", "8b", "8c"} and "Non-AfC" in bands
    flags = {f for f in staff["primary_assignment"] if f}
    assert len({f.lower() for f in flags}) >= 3 and any(f != f.lower() for f in flags)
    fte = pd.to_numeric(staff["fte"].replace("", None))
    assert fte.min() >= 0.1 and list(fte[fte > 1]) == [7.5]  # the one bad row


def test_people_hold_several_assignments_and_some_have_no_or_two_primary_flags(sample):
    staff = read_source(sample, "staff_in_post", "*-03-31.csv")
    staff = staff[staff["primary_assignment"] != "Primary"]  # a bad row
    assignments = staff.assign(primary=staff["primary_assignment"].map(is_true)).groupby(
        ["file", "employee_number"])["primary"]
    several = assignments.size() > 1
    assert 0.05 < several.mean() < 0.2
    primaries = assignments.sum()[several]
    assert (primaries == 0).any() and (primaries == 2).any() and (primaries == 1).mean() > 0.9


def test_people_join_and_leave_between_snapshots(sample):
    code = read(sample / "organisations" / "organisations.csv")["organisation_code"][0]
    first = set(read(sample / "staff_in_post" / f"{code}_staff_in_post_2021-03-31.csv")["employee_number"])
    last = set(read(sample / "staff_in_post" / f"{code}_staff_in_post_2025-03-31.csv")["employee_number"])
    assert first - last and last - first


def test_recruitment_cases_training_survey_and_board(sample):
    recruitment = read_source(sample, "recruitment")
    shortlisted = recruitment["shortlisted"].map(is_true)
    assert (recruitment.groupby(["vacancy_id"]).size() > 1).any()
    assert any(read(p)["organisation_code"].nunique() > 1 for p in (sample / "recruitment").glob("*.csv"))
    assert (recruitment.loc[shortlisted, "shortlisted_date"] != "").mean() > 0.99

    cases = read_source(sample, "employee_relations")
    assert set(CASE_TYPES) <= {c.capitalize() if c.islower() else c for c in cases["case_type"]}
    assert (cases["formal_start_date"] == "").any() and (cases["formal_start_date"] != "").any()
    in_hr = set(read_source(sample, "staff_in_post")["employee_number"])
    absent = cases[~cases["employee_number"].isin(in_hr)]
    assert len(absent) and (absent["ethnic_origin"] != "").mean() > 0.8  # blank: people whose ethnicity is blank

    training = read_source(sample, "training")
    categories = set(training["category"])
    assert "statutory and mandatory" in categories and categories & {"CPD", "Leadership", "Non-mandatory"}
    assert any("," in name for name in training["course_name"]) and "Café culture" in set(training["course_name"])

    old, new = read(sample / "staff_survey" / "nss_2020.csv"), read(sample / "staff_survey" / "nss_2024.csv")
    assert {"q13a", "q13b", "q13c", "q14", "q15b"} <= set(old.columns)
    assert {"q14a", "q14b", "q14c", "q15", "q16b"} <= set(new.columns)
    assert (new["q14a"] == "").any() and set(new["q16b"]) - {""} <= {"1", "2"}

    board = read(sample / "board" / "board_register.csv")
    assert {"Executive", "Non-executive"} <= set(board["member_type"])
    assert (board["end_date"] == "").any() and (board["end_date"] != "").any()
    assert len({v.lower() for v in board["voting"]} - {"non-voting"}) >= 2


# ---------------------------------------------------------------------------------------------------------------
# The real loader on generated data


def load_all(landing: Path, tmp_path: Path) -> tuple[dict, set[tuple]]:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        loads = {s.name: load_source(con, s, landing, SEEDS_DIR, RUN_DATE) for s in SOURCES}
        quarantined = set(con.execute('select source, file_name, line_number, "column" from raw.quarantine').fetchall())
    return loads, quarantined


def test_the_loader_quarantines_exactly_the_bad_rows_written(small, tmp_path):
    loads, quarantined = load_all(small, tmp_path)
    manifest = json.loads((small / MANIFEST_NAME).read_text())
    expected = expected_bad_rows(small)
    assert set(expected) == set(loads) and all(expected[s] >= 2 for s in expected)
    for source, load in loads.items():
        assert load.rejected == [], source
        assert load.rows_quarantined == expected[source], source
        assert load.rows_loaded + load.rows_quarantined == manifest["sources"][source]["rows"], source
        assert {f["file_name"]: f["rows_read"] for f in load.files} == manifest["sources"][source]["files"], source
    assert quarantined == {(b["source"], b["file"], b["line"], b["column"]) for b in manifest["bad_rows"]}


def test_a_clean_landing_quarantines_nothing(tmp_path):
    landing = tmp_path / "landing"
    generate(landing, replace(SMALL, bad_rows=False))
    loads, quarantined = load_all(landing, tmp_path)
    assert expected_bad_rows(landing) == {s.name: 0 for s in SOURCES}
    assert quarantined == set()
    assert all(load.rows_quarantined == 0 and load.rejected == [] for load in loads.values())
    assert {f["encoding"] for f in loads["training"].files} == {"utf-8", "windows-1252"}


# ---------------------------------------------------------------------------------------------------------------
# Realism and the output folder


def test_the_sample_looks_like_nhs_trusts(sample):
    staff = read_source(sample, "staff_in_post", "*_2025-03-31.csv")
    workforce = staff[~staff["assignment_category"].str.lower().isin(["bank", "honorary"])]
    groups = workforce.drop_duplicates(["organisation_code", "employee_number"])["ethnic_origin"].map(ethnic_group)
    assert 0.15 <= (groups == "BME").mean() <= 0.35

    recruitment = read_source(sample, "recruitment")
    shortlisted = recruitment[recruitment["shortlisted"].map(is_true)]
    appointed = shortlisted.assign(group=shortlisted["ethnic_origin"].map(ethnic_group),
                                   appointed=shortlisted["appointed"].map(is_true))
    rate = appointed.groupby("group")["appointed"].mean()
    assert rate["White"] / rate["BME"] > 1

    survey = read(sample / "staff_survey" / "nss_2024.csv")
    answered = survey[survey["q16b"] != ""]
    discrimination = (answered["q16b"] == "1").groupby(answered["ethnic_origin"].map(ethnic_group)).mean()
    assert discrimination["BME"] > discrimination["White"]


def test_generating_again_replaces_an_earlier_generated_folder(tmp_path):
    generate(tmp_path, SMALL)
    generate(tmp_path, replace(SMALL, years=1, bad_rows=False))
    assert not list((tmp_path / "staff_in_post").glob("*_2020-03-31.csv"))
    assert list((tmp_path / "staff_in_post").glob("*_2022-03-31.csv"))


def test_it_refuses_to_overwrite_landing_files_it_did_not_write(tmp_path):
    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "real_extract.csv").write_text("organisation_code\n")
    with pytest.raises(FileExistsError):
        generate(tmp_path, SMALL)
    assert (tmp_path / "training" / "real_extract.csv").exists()
