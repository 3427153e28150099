"""End to end: generate a landing folder, run `wres build` through Dagster, check the exports' schemas and the
load log's reconciliation, then run again on the same files and check nothing changes (the builds are the session
fixture `sample_builds` of tests/conftest.py)."""

from __future__ import annotations

import csv

import pytest


pytestmark = pytest.mark.slow

RETURN_COLUMNS = ["organisation_code", "wres_year", "indicator", "breakdown", "ethnic_group", "numerator",
                  "denominator", "value"]
HEADLINE_COLUMNS = ["organisation_code", "wres_year", "indicator", "breakdown", "measure", "value", "ci_lower",
                    "ci_upper", "assessment", "four_fifths_band", "previous_value"]
LOAD_LOG_COLUMNS = ["source", "file_name", "content_sha256", "rows_read", "rows_loaded", "rows_quarantined",
                    "encoding", "loaded_at"]
QUARANTINE_COLUMNS = ["source", "file_name", "line_number", "column", "reason"]
TREND_COLUMNS = ["organisation_code", "indicator", "breakdown", "measure", "wres_year", "value",
                 "change_from_previous", "change_from_first", "direction"]


def header(path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


@pytest.fixture(scope="module")
def sample(sample_builds):
    return sample_builds.first, sample_builds.first_exports, sample_builds.second


def test_exports_have_the_spec_columns(sample):
    build, _, _ = sample
    assert header(build.exports / "returns" / "wres_return.csv") == RETURN_COLUMNS
    assert header(build.exports / "returns" / "wres_headline.csv") == HEADLINE_COLUMNS
    assert header(build.exports / "quality" / "load_log.csv")[: len(LOAD_LOG_COLUMNS)] == LOAD_LOG_COLUMNS
    assert header(build.exports / "quality" / "quarantine.csv") == QUARANTINE_COLUMNS
    assert header(build.exports / "publication" / "wres_return.csv") == RETURN_COLUMNS + ["suppressed"]
    assert header(build.exports / "trends" / "wres_trend.csv") == TREND_COLUMNS
    for table in ["returns/wres_return", "returns/wres_headline", "publication/wres_return", "trends/wres_trend"]:
        assert (build.exports / f"{table}.parquet").stat().st_size > 0


def test_every_file_reconciles_and_quarantine_accounts_for_every_row(sample):
    build, _, _ = sample
    log = build.csv_rows("quality/load_log.csv")
    assert {row["source"] for row in log} == {"organisations", "staff_in_post", "recruitment",
                                              "employee_relations", "training", "staff_survey", "board"}
    for row in log:
        assert int(row["rows_read"]) == int(row["rows_loaded"]) + int(row["rows_quarantined"]), row
    quarantined = sum(int(row["rows_quarantined"]) for row in log)
    assert quarantined == len(build.csv_rows("quality/quarantine.csv")) > 0


def test_every_reported_year_has_every_indicator(sample):
    build, _, _ = sample
    rows = [r for r in build.csv_rows("returns/wres_return.csv") if r["organisation_code"] != "ALL"]
    years = {(r["organisation_code"], r["wres_year"]) for r in rows}
    assert len(years) == 3 * 4
    for year in years:
        indicators = {r["indicator"] for r in rows if (r["organisation_code"], r["wres_year"]) == year}
        assert {"1", "2", "3", "4"} <= indicators, year
        assert sum(1 for r in rows if (r["organisation_code"], r["wres_year"]) == year and r["indicator"] == "1") == 111


def test_second_run_on_the_same_files_changes_nothing(sample):
    """Every CSV, and every workbook and chart byte for byte (their figures are unchanged, so the second run copies
    them from the live release rather than drawing them again: orchestration/lib/reuse.py)."""
    first, first_exports, second = sample
    assert any(relative.suffix == ".xlsx" for relative in first_exports)
    assert any(relative.suffix == ".png" for relative in first_exports)
    assert "unchanged" in second.output or second.returncode == 0
    for relative, content in first_exports.items():
        assert (second.exports / relative).read_bytes() == content, relative
    assert second.csv_rows("quality/load_log.csv") == first.csv_rows("quality/load_log.csv")
