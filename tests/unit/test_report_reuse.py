"""Reusing report pages (orchestration/lib/report.py with lib/reuse.py): a page whose figures did not change since
the last release is taken from it, one whose figures changed is rendered again, and so is every page of a year
in which another organisation's value moved the position of the organisation among all organisations. Whatever is
reused, the released report is byte for byte the one rendered from scratch."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.lib import report
from orchestration.lib.release import declare_owned, release, staging_dir

ORGANISATIONS = {"R1A": "London", "R1B": "London", "R1C": "London", "R1D": "North", "R1E": "North"}
YEARS = (2023, 2024)
LIKELIHOODS = {"R1A": 0.8, "R1B": 0.9, "R1C": 1.0, "R1D": 1.1, "R1E": 1.2}  # 2024: quartiles 0.9, 1.0 and 1.1
PAGES = {(code, year) for code in ORGANISATIONS for year in YEARS}


@pytest.fixture
def con():
    """A warehouse with the relations the report reads: five organisations, two years, indicators 1 and 2."""
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create schema reference")
    con.execute("""create table marts.rpt_publication_wres_headline (organisation_code varchar, wres_year integer,
        indicator integer, breakdown varchar, measure varchar, value double, ci_lower double, ci_upper double,
        assessment varchar, four_fifths_band varchar, previous_value double, suppressed boolean)""")
    con.execute("""create table marts.rpt_publication_wres_return (organisation_code varchar, wres_year integer,
        indicator integer, breakdown varchar, ethnic_group varchar, value double, suppressed boolean)""")
    con.execute("""create table marts.dim_organisations as
        select code as organisation_code, 'Trust ' || code as organisation_name, region, 'Acute' as organisation_type
        from (values """ + ", ".join(f"('{code}', '{region}')" for code, region in ORGANISATIONS.items()) + """)
        t(code, region)""")
    con.execute("""create table reference.wres_indicators as select * from (values
        (1, 'Workforce', null), (2, 'Shortlisting', 'lower')) t(indicator, title, better_direction)""")
    for code in [*ORGANISATIONS, report.NATIONAL_CODE]:
        for year in YEARS:
            likelihood = LIKELIHOODS.get(code, 1.0) + (year - 2024) / 10
            con.execute("insert into marts.rpt_publication_wres_headline values "
                        "(?, ?, 1, 'overall', 'pct_bme', 20.0, null, null, null, null, null, false), "
                        "(?, ?, 2, 'all', 'relative_likelihood', ?, ?, ?, 'no significant difference', "
                        "'within', null, false)",
                        [code, year, code, year, likelihood, likelihood - 0.2, likelihood + 0.2])
            con.execute("insert into marts.rpt_publication_wres_return values "
                        "(?, ?, 2, 'all', 'White', 30.0, false), (?, ?, 2, 'all', 'BME', 25.0, false)",
                        [code, year, code, year])
    yield con
    con.close()


@pytest.fixture
def build(con, tmp_path, monkeypatch):
    """A run of the report asset: stage the report against the live exports and release it; return the pages
    rendered (not reused)."""
    exports = tmp_path / "exports"
    rendered: list[tuple[str, int]] = []
    render = report.render_organisation_page

    def recording(data: report.PageData) -> str:
        rendered.append((data.organisation.code, data.year))
        return render(data)

    monkeypatch.setattr(report, "render_organisation_page", recording)

    def run(run_id: str) -> set[tuple[str, int]]:
        rendered.clear()
        staging = staging_dir(exports, run_id)
        report.write_reports(con, staging, exports)
        declare_owned(staging, "report", report.owned_patterns())
        release(exports, run_id)
        pages = set(rendered)
        assert released(exports) == from_scratch(con, tmp_path / f"scratch-{run_id}")
        return pages

    return run


def released(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted((folder / report.REPORT_FOLDER).rglob("*"))
            if p.is_file()}


def from_scratch(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, bytes]:
    report.write_reports(con, folder)
    return released(folder)


def test_a_page_whose_figures_did_not_change_is_reused(build):
    assert build("first") == PAGES  # nothing released yet
    assert build("second") == set()


def test_a_page_whose_figures_changed_is_rendered_again(build, con):
    build("first")
    con.execute("""update marts.rpt_publication_wres_headline set value = 21.0
                   where organisation_code = 'R1A' and wres_year = 2023 and indicator = 1""")
    assert build("second") == {("R1A", 2023), ("R1A", 2024)}  # 2024 shows 2023 as last year
    con.execute("""update marts.rpt_publication_wres_return set value = 31.0
                   where organisation_code = 'R1B' and wres_year = 2024 and ethnic_group = 'White'""")
    assert build("third") == {("R1B", 2024)}


def test_another_organisation_moving_a_quartile_renders_the_pages_of_that_year_again(build, con, tmp_path):
    build("first")
    before = released(tmp_path / "exports")
    con.execute("""update marts.rpt_publication_wres_headline set value = 0.5
                   where organisation_code = 'R1E' and wres_year = 2024 and indicator = 2""")
    assert build("second") == {(code, 2024) for code in ORGANISATIONS}
    after = released(tmp_path / "exports")
    # R1B's own figures are the same, but its quartiles, median and rank are not
    assert after["report/R1B/wres_2024.html"] != before["report/R1B/wres_2024.html"]
    assert all(after[f"report/{code}/wres_2023.html"] == before[f"report/{code}/wres_2023.html"]
               for code in ORGANISATIONS)
    con.execute("""update marts.rpt_publication_wres_headline set value = 1.05
                   where organisation_code = 'ALL' and wres_year = 2023 and indicator = 2""")
    assert build("third") == {(code, 2023) for code in ORGANISATIONS}  # the pooled value of all organisations
