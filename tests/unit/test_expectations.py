"""The Great Expectations suites of `expectations/` and their runner, `orchestration.lib.expectations`.

Fast: the raw tables and marts are small tables built by hand in an in-memory DuckDB with the contract's SQL types
(one test loads a landing folder through the real loader). Each kind of expectation (columns, dtypes, value sets,
date ranges, uniqueness, per-organisation rates, row counts against the previous load, mart ranges and
reconciliations) is shown to pass on clean data and to fail on a hand-made bad case with the right severity and
a message that names what is wrong.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from dagster import AssetCheckSeverity, AssetKey

from orchestration.lib.contract import SOURCES, SOURCES_BY_NAME, SQL_TYPES
from orchestration.lib import expectations
from orchestration.lib.expectations import (
    SuiteError,
    check_name,
    gx_suite,
    load_suite,
    load_suites,
    profile,
    record_row_counts,
    run_suite,
    suite_parameters,
    validate_batch,
)
from orchestration.lib.loader import load_source
from orchestration.lib.quality import CheckRecord
from orchestration.settings import SEEDS_DIR
from tests.harness import write_csv

RUN_DATE = dt.date(2026, 11, 22)
SUITES = {suite.name: suite for suite in load_suites()}
LINEAGE = ["_file_name", "_line_number"]


# ---------------------------------------------------------------------------------------------------------------
# Hand-built warehouse


def create_raw(con: duckdb.DuckDBPyConnection, source: str, rows: list[dict], drop: tuple[str, ...] = (),
               types: dict[str, str] | None = None) -> None:
    """raw.<source> with the contract's columns and SQL types (and the lineage columns), holding `rows`."""
    columns = [(c.name, (types or {}).get(c.name, SQL_TYPES[c.type])) for c in SOURCES_BY_NAME[source].columns
               if c.name not in drop]
    if SOURCES_BY_NAME[source].has_questions:
        columns.append(("answers", "map(varchar, varchar)"))
    columns += [("_file_name", "varchar"), ("_line_number", "bigint")]
    con.execute("create schema if not exists raw")
    con.execute(f"create or replace table raw.{source} ({', '.join(f'{n} {t}' for n, t in columns)})")
    for number, row in enumerate(rows, start=2):
        values = [row.get(n) for n, _ in columns[:-2]] + [f"{source}.csv", number]
        con.execute(f"insert into raw.{source} values ({', '.join('?' for _ in columns)})", values)


def staff(org: str, snapshot: str, n: int, **overrides) -> dict:
    row = {"organisation_code": org, "snapshot_date": snapshot, "employee_number": f"{org}{n:04d}",
           "assignment_number": f"A{n:05d}", "primary_assignment": True, "assignment_category": "Permanent",
           "staff_group": "Nursing and Midwifery Registered", "pay_band": "Band 5", "fte": 1.0,
           "ethnic_origin": "ABHMC"[n % 5], "hourly_rate": 20.0}
    return {**row, **overrides}


def clean_rows() -> dict[str, list[dict]]:
    """A small clean extract of every source: two organisations, two 31 March snapshots."""
    people = [staff(org, day, n) for org in ("RXA", "RXB") for day in ("2023-03-31", "2024-03-31") for n in range(10)]
    people[3]["assignment_category"] = "bank"  # codes are matched ignoring case
    people[4].update(staff_group="Medical and Dental", pay_band="Non-AfC", grade="Consultant")
    people[5]["pay_band"] = "Band 8 - Range A"
    return {
        "organisations": [{"organisation_code": o, "organisation_name": f"Trust {o}", "region": "London"}
                          for o in ("RXA", "RXB")],
        "staff_in_post": people,
        "recruitment": [{"organisation_code": "RXA", "application_id": f"P{n}", "vacancy_id": "V1",
                         "ethnic_origin": "A" if n % 2 else "H", "shortlisted": True, "shortlisted_date": "2023-06-01",
                         "appointed": n == 1, "appointed_date": "2023-07-01" if n == 1 else None}
                        for n in range(6)],
        "employee_relations": [{"organisation_code": "RXA", "case_id": f"C{n}", "employee_number": f"RXA{n:04d}",
                                "case_type": "Disciplinary", "formal_start_date": "2023-05-01",
                                "informal_start_date": "2023-04-01"} for n in range(3)],
        "training": [{"organisation_code": "RXA", "record_id": f"T{n}", "employee_number": f"RXA{n:04d}",
                      "category": ["CPD", "statutory", "Leadership"][n % 3], "activity_date": "2023-09-01"}
                     for n in range(6)],
        "staff_survey": [{"organisation_code": "RXA", "survey_year": 2023, "respondent_id": f"R{n}",
                          "ethnic_origin": "A White - British" if n % 2 else "M", "answers": "{q14a=1, q14b=NULL}"}
                         for n in range(6)],
        "board": [{"organisation_code": "RXA", "member_id": f"B{n}", "member_type": ["Executive", "non-executive"][n % 2],
                   "voting": True, "ethnic_origin": "C", "start_date": "2019-04-01",
                   "end_date": "2030-03-31" if n == 0 else None} for n in range(4)],
    }


@pytest.fixture
def con():
    connection = duckdb.connect(":memory:")
    for source, rows in clean_rows().items():
        create_raw(connection, source, rows)
    yield connection
    connection.close()


def run(con: duckdb.DuckDBPyConnection, suite: str, run_id: str = "run-1") -> list[CheckRecord]:
    return run_suite(con, SUITES[suite], run_id=run_id, run_date=RUN_DATE)


def run_batch(con: duckdb.DuckDBPyConnection, suite: str, batch: str, run_id: str = "run-1") -> list[CheckRecord]:
    """One batch of a suite: its profile, validated (quicker than the whole suite)."""
    chosen = SUITES[suite]
    frame = profile(con, chosen.batches[batch], run_id, RUN_DATE)
    return validate_batch(chosen, chosen.batches[batch], frame, suite_parameters(RUN_DATE))


def record(records: list[CheckRecord], check: str) -> CheckRecord:
    matches = [r for r in records if r.check == check]
    assert len(matches) == 1, (check, [r.check for r in records])
    return matches[0]


def problems(records: list[CheckRecord]) -> list[CheckRecord]:
    return [r for r in records if r.status != "pass"]


# ---------------------------------------------------------------------------------------------------------------
# The suite files


def test_there_is_a_suite_per_source_and_for_the_marts():
    assert {s.name for s in SOURCES} <= set(SUITES)
    for source in SOURCES:
        assert SUITES[source.name].guards == (f"raw/{source.name}",)
        assert not SUITES[source.name].blocking
    marts = [s for s in SUITES.values() if s.asset.startswith("marts/")]
    assert {s.name for s in marts} == {"wres_return", "wres_publication"}
    assert all(s.blocking for s in marts)
    assert "marts/rpt_wres_return" in SUITES["wres_return"].guards


@pytest.mark.parametrize("name", sorted(SUITES))
def test_each_suite_is_a_valid_gx_suite(name):
    suite = SUITES[name]
    gx = gx_suite(suite)
    assert gx.name == name
    assert len(gx.expectations) == len(suite.expectations)
    assert {e.severity.value for e in gx.expectations} <= {"critical", "warning"}
    used = {e["meta"]["batch"] for e in suite.expectations}
    assert used == set(suite.batches), f"batches without expectations: {set(suite.batches) - used}"
    for expectation in suite.expectations:
        assert expectation.get("description"), f"{check_name(name, expectation)} has no description"


@pytest.mark.parametrize("source", [s.name for s in SOURCES])
def test_source_suites_expect_exactly_the_contract_columns(source):
    (columns,) = [e for e in SUITES[source].expectations if e["type"] == "expect_table_columns_to_match_set"]
    answers = ["answers"] if SOURCES_BY_NAME[source].has_questions else []
    assert columns["kwargs"]["column_set"] == [*SOURCES_BY_NAME[source].column_names, *answers, *LINEAGE]
    assert columns["kwargs"]["exact_match"] is True


def test_a_suite_with_an_unknown_parameter_or_batch_or_repeated_name_is_refused(tmp_path):
    text = (Path(SUITES["training"].path)).read_text()
    bad = {
        "parameter": text.replace("seed_training_categories", "seed_no_such_seed"),
        "batch": text.replace("meta: {batch: date_ranges}", "meta: {batch: no_such_batch}", 1),
        "name": text.replace("kwargs: {column: last_activity_date,", "kwargs: {column: first_activity_date,"),
        "sql_parameter": text.replace("$run_id", "$run_day"),
    }
    for case, content in bad.items():
        path = tmp_path / f"{case}.yml"
        path.write_text(content)
        with pytest.raises(SuiteError) as error:
            load_suite(path)
        assert path.name in str(error.value), case


def test_gx_refuses_an_unknown_expectation_type(tmp_path):
    path = tmp_path / "bogus.yml"
    path.write_text(SUITES["training"].path.read_text().replace(
        "type: expect_column_values_to_be_in_set", "type: expect_column_values_to_be_bogus"))
    with pytest.raises(SuiteError, match="cannot build"):
        gx_suite(load_suite(path))


def test_run_parameters_come_from_the_run_and_the_seeds():
    parameters = suite_parameters(RUN_DATE)
    assert parameters["run_date"] == dt.datetime(2026, 11, 22)
    assert parameters["run_year"] == 2026
    assert "nursing and midwifery registered" in parameters["seed_staff_groups"]
    assert parameters["seed_assignment_categories"] == ["bank", "fixed term temp", "honorary", "locum", "permanent"]
    assert "2023" in parameters["seed_survey_question_map"]


# ---------------------------------------------------------------------------------------------------------------
# Source suites: clean data passes, each kind of bad data fails


@pytest.mark.parametrize("source", [s.name for s in SOURCES])
def test_clean_sources_pass(con, source):
    records = run(con, source)
    assert len(records) == len(SUITES[source].expectations)
    assert problems(records) == []
    for r in records:
        assert r.target == f"raw/{source}"
        assert r.check.startswith(f"{source}:")


def test_the_suites_pass_on_tables_the_loader_wrote(tmp_path):
    landing = tmp_path / "landing"
    header = ["organisation_code", "snapshot_date", "employee_number", "assignment_number", "assignment_category",
              "staff_group", "pay_band", "fte", "ethnic_origin"]
    write_csv(landing / "staff_in_post" / "sip.csv", header, [
        ["RXA", "31/03/2024", f"E{n}", f"A{n}", "Permanent", "Allied Health Professionals", "Band 6", "1",
         "A White - British" if n % 2 else "H"] for n in range(8)
    ])
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    load_source(connection, SOURCES_BY_NAME["staff_in_post"], landing, SEEDS_DIR, RUN_DATE)
    assert problems(run(connection, "staff_in_post")) == []


def test_a_missing_column_fails_with_an_error(con):
    create_raw(con, "staff_in_post", clean_rows()["staff_in_post"], drop=("hourly_rate",))
    failure = record(run_batch(con, "staff_in_post", "columns"), "staff_in_post:expect_table_columns_to_match_set")
    assert (failure.status, failure.severity) == ("fail", "error")
    assert "hourly_rate" in failure.message


def test_a_wrong_dtype_fails_with_an_error(con):
    create_raw(con, "staff_in_post", clean_rows()["staff_in_post"], types={"fte": "varchar"})
    records = run_batch(con, "staff_in_post", "columns")
    failure = record(records, "staff_in_post:expect_column_values_to_be_in_type_list(fte)")
    assert (failure.status, failure.severity) == ("fail", "error")
    assert "fte is a decimal number: observed str" in failure.message
    assert record(records, "staff_in_post:expect_column_values_to_be_in_type_list(snapshot_date)").status == "pass"


def test_an_unknown_assignment_category_is_a_warning_naming_the_value(con):
    rows = clean_rows()["staff_in_post"]
    rows[0]["assignment_category"] = "Agency"
    rows[1]["assignment_category"] = "Agency"
    create_raw(con, "staff_in_post", rows)
    failure = record(run_batch(con, "staff_in_post", "code_values"),
                     "staff_in_post:expect_column_values_to_be_in_set(assignment_category)")
    assert (failure.status, failure.severity, failure.failing_rows) == ("fail", "warn", 1)
    assert "1 of 3 distinct values unexpected" in failure.message
    assert "assignment_category=agency" in failure.message and "row_count=2" in failure.message


def test_unrecognised_ethnic_codes_and_pay_bands_are_warnings(con):
    rows = clean_rows()["staff_in_post"]
    rows[0]["ethnic_origin"] = "White British"
    rows[1]["pay_band"] = "Band 8"
    create_raw(con, "staff_in_post", rows)
    records = run_batch(con, "staff_in_post", "code_values")
    ethnic = record(records, "staff_in_post:expect_column_values_to_match_regex(ethnic_origin_code)")
    assert (ethnic.status, ethnic.severity) == ("fail", "warn")
    assert "ethnic_origin_code=WHITE" in ethnic.message
    band = record(records, "staff_in_post:expect_column_values_to_match_regex(pay_band_key)")
    assert (band.status, band.severity) == ("fail", "warn")
    assert "pay_band_key=8" in band.message


def test_an_unknown_member_type_is_an_error(con):
    rows = clean_rows()["board"]
    rows[0]["member_type"] = "Associate"
    create_raw(con, "board", rows)
    failure = record(run_batch(con, "board", "code_values"), "board:expect_column_values_to_be_in_set(member_type)")
    assert (failure.status, failure.severity) == ("fail", "error")
    assert "member_type=associate" in failure.message


def test_a_snapshot_before_1990_or_after_the_run_fails_naming_the_organisation(con):
    rows = clean_rows()["staff_in_post"]
    rows[0]["snapshot_date"] = "1985-03-31"
    rows[-1]["snapshot_date"] = "2027-03-31"
    create_raw(con, "staff_in_post", rows)
    records = run_batch(con, "staff_in_post", "date_ranges")
    early = record(records, "staff_in_post:expect_column_values_to_be_between(first_snapshot_date)")
    assert (early.status, early.severity, early.failing_rows) == ("fail", "error", 1)
    assert "1 of 2 organisations unexpected" in early.message
    assert "organisation_code=RXA" in early.message and "1985-03-31" in early.message
    late = record(records, "staff_in_post:expect_column_values_to_be_between(last_snapshot_date)")
    assert (late.status, late.severity) == ("fail", "error")
    assert "organisation_code=RXB" in late.message and "2027-03-31" in late.message


def test_a_future_event_date_is_a_warning_and_an_ancient_one_an_error(con):
    rows = clean_rows()["training"]
    rows[0]["activity_date"] = "1899-12-31"
    rows[1]["activity_date"] = "2027-01-01"
    create_raw(con, "training", rows)
    records = run_batch(con, "training", "date_ranges")
    assert record(records, "training:expect_column_values_to_be_between(first_activity_date)").severity == "error"
    assert record(records, "training:expect_column_values_to_be_between(last_activity_date)").severity == "warn"
    assert {r.status for r in records} == {"fail"}


def test_a_repeated_key_fails_naming_its_file_and_lines(con):
    rows = clean_rows()["staff_in_post"]
    create_raw(con, "staff_in_post", [*rows, rows[0]])
    failure = record(run_batch(con, "staff_in_post", "duplicate_keys"),
                     "staff_in_post:unique(organisation_code,snapshot_date,assignment_number)")
    assert (failure.status, failure.severity, failure.failing_rows) == ("fail", "error", 1)
    assert "observed 1" in failure.message
    assert ("organisation_code=RXA, snapshot_date=2023-03-31, copies=2, "
            "lines=staff_in_post.csv line 2, staff_in_post.csv line 42") in failure.message
    assert "A00000" not in failure.message  # staff identifiers stay in the raw schema


def test_a_low_ethnicity_declaration_rate_is_a_warning_for_that_snapshot(con):
    rows = clean_rows()["staff_in_post"]
    for row in rows[:3]:  # RXA 2023-03-31: 7 of 10 recognised
        row["ethnic_origin"] = None if row is rows[0] else "Z Not Stated"
    create_raw(con, "staff_in_post", rows)
    failure = record(run_batch(con, "staff_in_post", "snapshots"),
                     "staff_in_post:expect_column_values_to_be_between(ethnicity_declaration_rate)")
    assert (failure.status, failure.severity, failure.failing_rows) == ("fail", "warn", 1)
    assert "1 of 4 organisation snapshots unexpected" in failure.message
    assert "organisation_code=RXA, snapshot_date=2023-03-31, ethnicity_declaration_rate=70" in failure.message


def test_a_low_answered_rate_is_a_warning_for_that_survey_year(con):
    rows = clean_rows()["staff_survey"]
    # 2 of 6 answered something: every answer blank (null), no question column, or no answers at all
    for row, answers in zip(rows, ["{q14a=NULL, q14b=NULL}", "{}", None, "{q14a=NULL}"]):
        row["answers"] = answers
    create_raw(con, "staff_survey", rows)
    failure = record(run_batch(con, "staff_survey", "survey_years"),
                     "staff_survey:expect_column_values_to_be_between(answered_rate)")
    assert (failure.status, failure.severity, failure.failing_rows) == ("fail", "warn", 1)
    assert "organisation_code=RXA, survey_year=2023, answered_rate=33.3" in failure.message


def test_row_counts_are_compared_with_the_previous_load(con):
    suite = SUITES["staff_in_post"]
    ratio = "staff_in_post:expect_column_values_to_be_between(change_ratio)"
    first = record(run(con, "staff_in_post", "run-1"), ratio)
    assert first.status == "pass" and "no organisations with a value to check" in first.message
    assert record_row_counts(con, suite, "run-1", RUN_DATE) == 2
    assert con.execute("select organisation_code, row_count from quality.row_counts order by 1").fetchall() == [
        ("RXA", 20), ("RXB", 20)]

    # the next load: RXA has three times as many rows, RXB a quarter
    rows = clean_rows()["staff_in_post"]
    extra = [staff("RXA", "2024-03-31", n) for n in range(100, 140)]
    create_raw(con, "staff_in_post", [r for r in rows if r["organisation_code"] == "RXA"] + extra + [
        r for r in rows if r["organisation_code"] == "RXB"][:5])
    second = record(run(con, "staff_in_post", "run-2"), ratio)
    assert (second.status, second.severity, second.failing_rows) == ("fail", "warn", 2)
    assert "organisation_code=RXA, row_count=60, previous_row_count=20, change_ratio=3" in second.message
    assert "organisation_code=RXB, row_count=5, previous_row_count=20, change_ratio=0.25" in second.message

    # the same run again compares with run-1 still; a later run compares with run-2's counts
    assert record(run(con, "staff_in_post", "run-2"), ratio).status == "fail"
    record_row_counts(con, suite, "run-2", RUN_DATE)
    record_row_counts(con, suite, "run-2", RUN_DATE)  # recording twice in a run replaces
    assert con.execute("select count(*) from quality.row_counts where run_id = 'run-2'").fetchone()[0] == 2
    assert record(run(con, "staff_in_post", "run-3"), ratio).status == "pass"

    # an organisation that has gone counts as a fall to zero
    create_raw(con, "staff_in_post", [r for r in clean_rows()["staff_in_post"] if r["organisation_code"] == "RXB"])
    record_row_counts(con, suite, "run-3", RUN_DATE)
    create_raw(con, "staff_in_post", [r for r in clean_rows()["staff_in_post"] if r["organisation_code"] == "RXA"])
    gone = record(run(con, "staff_in_post", "run-4"), ratio)
    assert gone.status == "fail" and "organisation_code=RXB, row_count=null, previous_row_count=20, change_ratio=0" \
        in gone.message


# ---------------------------------------------------------------------------------------------------------------
# Reusing a batch's results


@pytest.fixture
def profiled(monkeypatch) -> list[str]:
    """The batches profiled (run on the warehouse), in order."""
    names: list[str] = []
    real = expectations.profile

    def recording(con, batch, *args):
        names.append(batch.name)
        return real(con, batch, *args)

    monkeypatch.setattr(expectations, "profile", recording)
    return names


def versioned(con: duckdb.DuckDBPyConnection, source: str, version: str) -> None:
    """raw.source_state as the loader keeps it: the source's tables are at `version`."""
    con.execute("create table if not exists raw.source_state (source varchar primary key, fingerprint varchar not null, "
                "version varchar)")
    con.execute("insert or replace into raw.source_state values (?, 'rules', ?)", [source, version])


def test_a_batch_is_reused_until_its_raw_table_changes_version(con, profiled):
    versioned(con, "training", "v1")
    batches = [b for b in SUITES["training"].batches if SUITES["training"].expectations_of(b)]
    first = run(con, "training", "run-1")
    assert profiled == batches and "row_counts" in batches

    profiled.clear()
    assert run(con, "training", "run-2") == first
    assert profiled == ["row_counts"]  # it reads the previous run's counts: never reused

    rows = clean_rows()["training"]
    rows[0]["category"] = "Mandatry"  # a misspelt category, loaded with a new version
    create_raw(con, "training", rows)
    versioned(con, "training", "v2")
    profiled.clear()
    changed = run(con, "training", "run-3")
    assert profiled == batches
    assert [r.check for r in changed if r.status == "fail"] == \
        ["training:expect_column_values_to_be_in_set(category)"]

    profiled.clear()
    run_suite(con, SUITES["training"], run_id="run-4", run_date=RUN_DATE + dt.timedelta(days=1))
    assert profiled == batches  # another day: date ranges end at the run date


def test_a_batch_without_a_versioned_raw_table_or_with_an_error_is_never_reused(con, profiled):
    versioned(con, "training", "v1")
    run(con, "employee_relations", "run-1")  # raw.employee_relations has no version
    run(con, "employee_relations", "run-2")
    suite_batches = [b for b in SUITES["employee_relations"].batches if SUITES["employee_relations"].expectations_of(b)]
    assert profiled == suite_batches * 2

    con.execute("alter table raw.training rename to training_gone")
    profiled.clear()
    broken = run(con, "training", "run-3")
    assert {r.status for r in broken} == {"error"}
    con.execute("alter table raw.training_gone rename to training")
    profiled.clear()
    assert {r.status for r in run(con, "training", "run-4")} == {"pass"}
    assert "columns" in profiled  # the error was not kept


def test_a_batch_that_cannot_run_gives_status_error(con):
    con.execute("alter table raw.staff_survey alter answers type varchar")  # map_values cannot read text
    records = run(con, "staff_survey")
    broken = [r for r in records if r.status == "error"]
    assert {r.check for r in broken} == {
        "staff_survey:expect_column_values_to_be_between(survey_year)",
        "staff_survey:expect_column_values_to_be_between(ethnicity_declaration_rate)",
        "staff_survey:expect_column_values_to_be_between(answered_rate)",
    }
    assert all("map_values" in r.message for r in broken)
    assert [r for r in records if r.status == "fail"] == []


# ---------------------------------------------------------------------------------------------------------------
# Mart suites


def create_marts(con: duckdb.DuckDBPyConnection) -> None:
    """A consistent return for one organisation year: indicators 1 (overall only), 2 and 3, and the same rows for
    all organisations (ALL, pooled counts); the headline; the published return."""
    con.execute("create schema if not exists marts")
    con.execute("""
        create or replace table marts.rpt_wres_return as
        select * from (values
            ('RXA', 2024, 1, 'overall', 'White', 60, 100, 60.0),
            ('RXA', 2024, 1, 'overall', 'BME', 30, 100, 30.0),
            ('RXA', 2024, 1, 'overall', 'Unknown', 10, 100, 10.0),
            ('RXA', 2024, 2, 'all', 'White', 10, 40, 25.0),
            ('RXA', 2024, 2, 'all', 'BME', 5, 40, 12.5),
            ('RXA', 2024, 3, 'single_year', 'White', 2, 60, 3.3333333333),
            ('RXA', 2024, 3, 'single_year', 'BME', 3, 30, 10.0)
        ) as t(organisation_code, wres_year, indicator, breakdown, ethnic_group, numerator, denominator, value)
    """)
    con.execute("alter table marts.rpt_wres_return alter value type double")
    con.execute("insert into marts.rpt_wres_return select 'ALL', * exclude (organisation_code) "
                "from marts.rpt_wres_return")
    con.execute("""
        create or replace table marts.rpt_wres_headline as
        select * from (values
            ('RXA', 2024, 1, 'overall', 'pct_bme', 30.0, null, null),
            ('RXA', 2024, 1, 'overall', 'gap_to_overall_pp', 0.0, null, null),
            ('RXA', 2024, 2, 'all', 'relative_likelihood', 2.0, 0.8, 5.1),
            ('RXA', 2024, 3, 'single_year', 'relative_likelihood', 3.0, 0.5, 17.0)
        ) as t(organisation_code, wres_year, indicator, breakdown, measure, value, ci_lower, ci_upper)
    """)
    for column in ("value", "ci_lower", "ci_upper"):
        con.execute(f"alter table marts.rpt_wres_headline alter {column} type double")
    con.execute("insert into marts.rpt_wres_headline select 'ALL', * exclude (organisation_code) "
                "from marts.rpt_wres_headline")
    con.execute("""
        create or replace table marts.rpt_wres_organisation_years as
        select 'RXA' as organisation_code, 2024 as wres_year, 100 as headcount
    """)
    con.execute("""
        create or replace table marts.rpt_publication_wres_return as
        select organisation_code, wres_year, indicator, breakdown, ethnic_group,
               case when numerator not between 1 and 7 then cast(round(numerator / 5) * 5 as bigint) end as numerator,
               case when denominator not between 1 and 7 then cast(round(denominator / 5) * 5 as bigint) end
                   as denominator,
               null::double as value, true as suppressed
        from marts.rpt_wres_return
    """)


@pytest.fixture
def marts(con):
    create_marts(con)
    return con


@pytest.mark.parametrize("suite", ["wres_return", "wres_publication"])
def test_clean_marts_pass(marts, suite):
    records = run(marts, suite)
    assert problems(records) == []
    assert {r.target for r in records} <= set(SUITES[suite].guards)


def test_a_rate_above_100_fails_except_for_indicators_3_and_4(marts):
    marts.execute("update marts.rpt_wres_return set value = 180.0 where indicator = 3 and ethnic_group = 'BME'")
    assert problems(run_batch(marts, "wres_return", "return_ranges")) == []
    marts.execute("update marts.rpt_wres_return set value = 101.5 where indicator = 2 and ethnic_group = 'BME'")
    failure = record(run_batch(marts, "wres_return", "return_ranges"),
                     "wres_return:expect_column_values_to_be_between(largest_rate)")
    assert (failure.status, failure.severity, failure.target) == ("fail", "error", "marts/rpt_wres_return")
    assert "organisation_code=RXA, wres_year=2024, indicator=2, largest_rate=101.5" in failure.message


def test_a_negative_likelihood_or_an_interval_that_misses_its_value_fails(marts):
    marts.execute("update marts.rpt_wres_headline set ci_lower = 2.5 where indicator = 2")
    marts.execute("update marts.rpt_wres_headline set value = -1 where indicator = 3")
    records = run_batch(marts, "wres_return", "headline_ranges")
    below = record(records, "wres_return:expect_column_values_to_be_between(smallest_value_above_ci_lower)")
    assert (below.status, below.severity, below.target) == ("fail", "error", "marts/rpt_wres_headline")
    assert "indicator=2, smallest_value_above_ci_lower=-0.5" in below.message
    likelihood = record(records, "wres_return:expect_column_values_to_be_between(smallest_likelihood)")
    assert likelihood.status == "fail" and "indicator=3, smallest_likelihood=-1" in likelihood.message


def test_the_workforce_must_equal_the_headcount(marts):
    marts.execute("update marts.rpt_wres_organisation_years set headcount = 99")
    records = run_batch(marts, "wres_return", "workforce")
    failure = record(records, "wres_return:expect_column_pair_values_to_be_equal(overall_denominator,headcount)")
    assert (failure.status, failure.severity, failure.failing_rows) == ("fail", "error", 2)  # RXA, and ALL
    assert "organisation_code=RXA, wres_year=2024, overall_denominator=100, headcount=99" in failure.message
    assert "organisation_code=ALL, wres_year=2024, overall_denominator=100, headcount=99" in failure.message


def test_the_all_organisation_rows_must_pool_the_organisations_counts(marts):
    marts.execute("update marts.rpt_wres_return set denominator = 41 where organisation_code = 'ALL' "
                  "and indicator = 2 and ethnic_group = 'White'")
    records = run_batch(marts, "wres_return", "all_organisations")
    failure = record(records,
                     "wres_return:expect_column_pair_values_to_be_equal(all_denominator,organisations_denominator)")
    assert (failure.status, failure.severity, failure.failing_rows) == ("fail", "error", 1)
    assert ("wres_year=2024, indicator=2, breakdown=all, ethnic_group=White, all_denominator=41, "
            "organisations_denominator=40") in failure.message
    assert record(records, "wres_return:expect_column_pair_values_to_be_equal(all_numerator,organisations_numerator)"
                  ).status == "pass"


def test_a_year_missing_from_the_cover_sheet_fails_the_workforce_reconciliation(marts):
    marts.execute("delete from marts.rpt_wres_organisation_years")
    failure = record(run_batch(marts, "wres_return", "workforce"),
                     "wres_return:expect_column_pair_values_to_be_equal(overall_denominator,headcount)")
    assert (failure.status, failure.failing_rows) == ("fail", 2)
    assert "organisation_code=RXA, wres_year=2024, overall_denominator=100, headcount=null" in failure.message


def test_every_return_breakdown_needs_its_headline(marts):
    marts.execute("delete from marts.rpt_wres_headline where indicator = 3")
    failure = record(run_batch(marts, "wres_return", "headline_coverage"),
                     "wres_return:expect_column_values_to_be_between(breakdowns_without_headline)")
    assert (failure.status, failure.severity) == ("fail", "error")
    assert "indicator=3, breakdowns_without_headline=1" in failure.message


def test_the_publication_has_exactly_the_rows_of_the_return(marts):
    marts.execute("delete from marts.rpt_publication_wres_return where indicator = 2 and ethnic_group = 'BME'")
    marts.execute("insert into marts.rpt_publication_wres_return values "
                  "('RXA', 2024, 9, 'board_all', 'BME', 0, 10, 0.0, false)")
    records = run_batch(marts, "wres_publication", "reconciliation")
    missing = record(records, "wres_publication:expect_column_values_to_be_between(rows_not_published)")
    extra = record(records, "wres_publication:expect_column_values_to_be_between(rows_only_published)")
    assert (missing.status, missing.severity) == ("fail", "error") and "indicator=2, rows_not_published=1" in missing.message
    assert extra.status == "fail" and "indicator=9, rows_only_published=1" in extra.message


def test_the_publication_never_shows_a_count_from_1_to_7(marts):
    marts.execute("update marts.rpt_publication_wres_return set numerator = 5 where indicator = 2 "
                  "and ethnic_group = 'BME'")
    marts.execute("insert into marts.rpt_publication_wres_return values "
                  "('ALL', 2024, 2, 'all', 'BME', 5, 40, 12.5, false)")  # the all-organisation rows are exempt
    failure = record(run_batch(marts, "wres_publication", "small_counts"),
                     "wres_publication:expect_column_values_to_be_between(smallest_count_shown)")
    assert (failure.status, failure.severity, failure.failing_rows) == ("fail", "error", 1)
    assert "organisation_code=RXA, wres_year=2024, indicator=2, smallest_count_shown=5" in failure.message


# ---------------------------------------------------------------------------------------------------------------
# Dagster: one check per suite, on the assets it guards; mart checks block


def test_each_suite_is_a_check_on_the_assets_it_guards_and_mart_checks_block():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    specs = {(key.asset_key.to_user_string(), key.name): graph.get_check_spec(key) for key in graph.asset_check_keys
             if key.name.startswith("gx_")}
    for suite in SUITES.values():
        for guarded in suite.guards:
            spec = specs[(guarded, f"gx_{suite.name}")]
            assert spec.blocking is suite.blocking
            assert spec.blocking is guarded.startswith("marts/")
    assert len(specs) == sum(len(s.guards) for s in SUITES.values())


def test_a_suite_result_is_an_error_only_when_a_critical_expectation_failed():
    from orchestration.defs.checks.assets import suite_check_results

    suite = SUITES["wres_publication"]
    ok = CheckRecord("wres_publication:a", "marts/rpt_publication_wres_return", "error", "pass", 0, "fine")
    warned = CheckRecord("wres_publication:b", "marts/rpt_publication_wres_return", "warn", "fail", 2, "hmm")
    broken = CheckRecord("wres_publication:c", "marts/rpt_publication_wres_return", "error", "fail", 1, "bad")
    passing = suite_check_results(suite, [ok, warned])
    assert [r.asset_key for r in passing] == [AssetKey(["marts", "rpt_publication_wres_return"]),
                                             AssetKey(["marts", "rpt_publication_wres_headline"])]
    assert all(r.passed and r.severity == AssetCheckSeverity.WARN for r in passing)
    failing = suite_check_results(suite, [ok, warned, broken])
    assert all(not r.passed and r.severity == AssetCheckSeverity.ERROR for r in failing)
    table = failing[0].metadata["failed_expectations"]
    assert [row.data["check"] for row in table.records] == ["wres_publication:b", "wres_publication:c"]
    assert "1 failed (error), 1 failed (warning)" in failing[0].description
