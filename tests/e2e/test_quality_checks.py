"""The Great Expectations suites inside a build (expectations/README.md):

- `wres build` of the acceptance data runs every suite and records one row per expectation in
  `quality/checks.csv`, and they pass (or only warn) on that data;
- a failed critical expectation of a mart suite blocks the exports downstream: the export does not run and the
  file written by the previous run stays. This runs the real suite check and the real export asset in-process
  with Dagster, on stand-in marts written by hand, so it needs neither dbt nor a full build.
"""

from __future__ import annotations

import csv

import pytest
from dagster import (
    AssetKey,
    AssetSpec,
    Definitions,
    MaterializeResult,
    define_asset_job,
    in_process_executor,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from orchestration.defs.checks.assets import build_suite_check
from orchestration.defs.exports.assets import build_export_asset, build_release_asset
from orchestration.lib.expectations import SUITES_DIR, load_suite, load_suites
from orchestration.lib.export_tables import PUBLICATION_RETURN

pytestmark = pytest.mark.slow

CHECKS_HEADER = ["check", "target", "severity", "status", "failing_rows", "message"]


def test_every_suite_runs_in_the_build_and_passes_or_warns(acceptance_build):
    with open(acceptance_build.exports / "quality" / "checks.csv", newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == CHECKS_HEADER
    rows = acceptance_build.csv_rows("quality/checks.csv")
    for suite in load_suites():
        recorded = {r["check"]: r for r in rows if r["check"].startswith(f"{suite.name}:")}
        assert sorted(recorded) == sorted(suite.check_names()), suite.name
        for row in recorded.values():
            assert row["target"] in (*suite.guards, *suite.reads), row
            assert row["message"], row
            assert row["status"] == "pass" or (row["status"] == "fail" and row["severity"] == "warn"), row
    assert "FAILED check" not in acceptance_build.output
    counted = acceptance_build.query("select distinct source from quality.row_counts")
    assert {r[0] for r in counted} == {s.name for s in load_suites() if s.record_row_counts}


MARTS = ("rpt_wres_return", "rpt_publication_wres_return", "rpt_publication_wres_headline")
RETURN_ROWS = """
    select * from (values
        ('RXA', 2024, 2, 'all', 'White', 20, 40, 50.0),
        ('RXA', 2024, 2, 'all', 'BME', 10, 40, 25.0)
    ) as t(organisation_code, wres_year, indicator, breakdown, ethnic_group, numerator, denominator, value)
"""


def marts_and_export(warehouse, state: dict) -> Definitions:
    """Stand-in marts written in one step, as dbt does (the publication shows `state['numerator']` for BME), the
    real wres_publication check and the real export asset of the published return."""

    @multi_asset(specs=[AssetSpec(AssetKey(["marts", name])) for name in MARTS])
    def marts(duckdb: DuckDBResource):
        """Like the dbt step: every mart in one step."""
        with duckdb.get_connection() as con:
            con.execute("create schema if not exists marts")
            con.execute(f"create or replace table marts.rpt_wres_return as {RETURN_ROWS}")
            con.execute(
                "create or replace table marts.rpt_publication_wres_return as "
                "select organisation_code, wres_year, indicator, breakdown, ethnic_group, "
                f"case when ethnic_group = 'BME' then {state['numerator']} else numerator end as numerator, "
                "denominator, null::double as value, true as suppressed from marts.rpt_wres_return"
            )
        for name in MARTS:
            yield MaterializeResult(asset_key=AssetKey(["marts", name]))

    export = build_export_asset(PUBLICATION_RETURN, [AssetKey(["marts", "rpt_publication_wres_return"])])
    return Definitions(
        assets=[marts, export, build_release_asset([export])],
        asset_checks=[build_suite_check(load_suite(SUITES_DIR / "wres_publication.yml"))],
        jobs=[define_asset_job("all")],
        resources={"duckdb": DuckDBResource(database=str(warehouse))},
        executor=in_process_executor,
    )


def started_steps(result) -> set[str]:
    return {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}


def test_a_failed_mart_suite_blocks_the_exports_and_keeps_the_previous_files(tmp_path, monkeypatch):
    exports = tmp_path / "exports"
    monkeypatch.setenv("WRES_EXPORTS_DIR", str(exports))
    monkeypatch.setenv("WRES_RUN_DATE", "2026-11-22")
    published = exports / "publication" / "wres_return.csv"
    state = {"numerator": 10}
    defs = marts_and_export(tmp_path / "warehouse.duckdb", state)

    first = defs.resolve_job_def("all").execute_in_process(raise_on_error=False)
    assert first.success
    assert "exports__publication__wres_return" in started_steps(first)
    previous = published.read_bytes()
    assert b"RXA,2024,2,all,BME,10,40" in previous

    state["numerator"] = 5  # a count from 1 to 7 would be published
    second = defs.resolve_job_def("all").execute_in_process(raise_on_error=False)
    assert not second.success
    evaluations = [e.event_specific_data for e in second.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert {(e.asset_key.to_user_string(), e.passed, e.severity.value) for e in evaluations} == {
        ("marts/rpt_publication_wres_return", False, "ERROR"),
        ("marts/rpt_publication_wres_headline", False, "ERROR"),
    }
    assert "exports__publication__wres_return" not in started_steps(second)
    assert published.read_bytes() == previous

    with open(exports / "quality" / "checks.csv", newline="", encoding="utf-8") as handle:
        checks = {r["check"]: r for r in csv.DictReader(handle)}
    failure = checks["wres_publication:expect_column_values_to_be_between(smallest_count_shown)"]
    assert (failure["severity"], failure["status"], failure["failing_rows"]) == ("error", "fail", "1")
    assert "organisation_code=RXA, wres_year=2024, indicator=2, smallest_count_shown=5" in failure["message"]
