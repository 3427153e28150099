"""The HTML report (`report/<code>/wres_<year>.html`, `report/index.html`) on the shared acceptance build:

- one page per published organisation-year and an index linking them all;
- self-contained: no script, nothing loaded from anywhere (also enforced by the page's CSP);
- built from the publication tables only, so that no confidential figure can appear: the report reads only the
  publication marts, the organisation names and the indicator titles, and every figure of the indicator table,
  the comparison table and the charts equals the published one (or is computed from the published values of
  all organisations), with "suppressed" where disclosure control withheld it;
- text from data is escaped; scorecard ratings appear only once a scorecard mart exists;
- and, as a person would see it, every page opened in headless Chromium: no console error, no failed or
  non-local request, every chart drawn, and a screenshot of each page saved under the exports folder.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest

from orchestration.lib import report as report_module
from orchestration.lib.contract import SOURCES
from orchestration.lib.publish import make_folder
from orchestration.lib.report import (
    INDEX_NAME,
    READ_RELATIONS,
    REPORT_FOLDER,
    SCORECARD_PREFIXES,
    ScorecardRating,
    page_data,
    read_report_data,
    read_scorecard,
    render_organisation_page,
    write_reports,
)
from tests.browser import Browser, connect, find_chromium, serve

pytestmark = pytest.mark.slow

RELATION = re.compile(r"\b(?:from|join)\s+([A-Za-z_]\w*\.[A-Za-z_]\w*)", re.IGNORECASE)
ORGANISATION_CHARTS = {"chart-likelihoods", "chart-survey-5", "chart-survey-6", "chart-survey-7", "chart-survey-8",
                       "chart-position"}
INDEX_CHARTS = {"chart-national-likelihoods"}
SCREENSHOTS = "report/screenshots"  # under the build's exports folder (test artefacts, not an export)
SCREENSHOT_COPIES = Path("/tmp/wres_report_screenshots")
MINUS = "\u2212"


# Reading pages ---------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = dataclasses.field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None):
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find(self, tag: str, **attrs: str) -> Node | None:
        return next((n for n in self.iter(tag) if all(n.attrs.get(k) == v for k, v in attrs.items())), None)


class TreeBuilder(HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(path: Path) -> Node:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    return builder.root


def cells(row: Node) -> list[str]:
    """The text of a row's cells, without the rowspan group header."""
    return [" ".join(c.text().split()) for c in row.children
            if isinstance(c, Node) and c.tag in ("td", "th") and "group" not in c.attrs.get("class", "")]


# Expected figures, straight from the publication marts -----------------------------------------------------------


def shown(measure: str, value: float | None) -> str:
    """How the page must show a published figure (written out here, independently of the report code)."""
    if measure == "relative_likelihood":
        return f"{value:.2f}"
    if measure in ("pct_bme", "percent"):
        return f"{value:.1f}%"
    text = "0.0 pp" if round(value, 1) == 0 else f"{round(value, 1):+.1f} pp"
    return text.replace("-", MINUS)


@pytest.fixture(scope="module")
def build(acceptance_build):
    return acceptance_build


@pytest.fixture(scope="module")
def report(build) -> Path:
    return build.exports / REPORT_FOLDER


@pytest.fixture(scope="module")
def pages(build) -> list[tuple[str, int]]:
    return build.query("select distinct organisation_code, wres_year from marts.rpt_publication_wres_headline "
                       "where organisation_code <> 'ALL' order by all")


@pytest.fixture(scope="module")
def published(build) -> dict[tuple, dict]:
    rows = build.query("""select organisation_code, wres_year, indicator, breakdown, measure, value, ci_lower, ci_upper,
                                 assessment, four_fifths_band, previous_value, suppressed
                          from marts.rpt_publication_wres_headline""")
    keys = ("value", "ci_lower", "ci_upper", "assessment", "four_fifths_band", "previous_value", "suppressed")
    return {row[:5]: dict(zip(keys, row[5:])) for row in rows}


@pytest.fixture(scope="module")
def published_groups(build) -> dict[tuple, tuple]:
    rows = build.query("""select organisation_code, wres_year, indicator, breakdown, ethnic_group, value, suppressed
                          from marts.rpt_publication_wres_return where ethnic_group in ('White', 'BME')""")
    return {row[:5]: row[5:] for row in rows}


# Files ---------------------------------------------------------------------------------------------------------


def test_one_page_per_published_organisation_year_and_an_index(report, pages):
    html_files = sorted(p.relative_to(report).as_posix() for p in report.rglob("*.html"))
    expected = sorted([INDEX_NAME, *(f"{code}/wres_{year}.html" for code, year in pages)])
    assert html_files == expected
    index = parse(report / INDEX_NAME)
    links = {unquote(a.attrs["href"]) for a in index.iter("a") if a.attrs.get("href", "").endswith(".html")}
    assert {f"{code}/wres_{year}.html" for code, year in pages} <= links
    for code, year in pages:  # every page links back to the index and to its organisation's other years
        page = parse(report / code / f"wres_{year}.html")
        hrefs = {a.attrs.get("href") for a in page.iter("a")}
        assert f"../{INDEX_NAME}" in hrefs
        assert {f"wres_{y}.html" for c, y in pages if c == code and y != year} <= hrefs


def test_pages_are_self_contained(report):
    for path in report.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), path.name
        assert not re.search(r"\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", text, re.IGNORECASE), path.name
        assert "@import" not in text and "url(" not in text, path.name
        assert not re.findall(r"https?://(?!www\.w3\.org/2000/svg\")", text), path.name
        assert "Content-Security-Policy" in text and "default-src 'none'" in text, path.name
        tree = parse(path)
        assert tree.find("html").attrs.get("lang") == "en-GB"
        assert tree.find("h1") is not None and tree.find("title").text().strip()
        for table in tree.iter("table"):
            assert table.find("caption") is not None and table.find("caption").text().strip(), path.name
        for svg in tree.iter("svg"):
            assert svg.attrs.get("role") == "img" and svg.attrs.get("aria-labelledby"), path.name
            assert svg.find("title").text().strip() and svg.find("desc").text().strip(), path.name


# Confidentiality -------------------------------------------------------------------------------------------------


class RecordingConnection:
    """A DuckDB connection that remembers every statement it runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str, params: list | None = None) -> duckdb.DuckDBPyConnection:
        self.statements.append(sql)
        return self.con.execute(sql, params or [])


def test_report_reads_only_publication_tables_and_is_reproducible(build, report, tmp_path):
    assert READ_RELATIONS == ("marts.rpt_publication_wres_headline", "marts.rpt_publication_wres_return",
                              "marts.dim_organisations", "reference.wres_indicators")
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        recording = RecordingConnection(con)
        written = write_reports(recording, tmp_path)
        scorecards = read_report_data(con).scorecard_tables
    relations = {name.lower() for sql in recording.statements for name in RELATION.findall(sql)}
    catalogue = {"information_schema.tables", "information_schema.columns"}
    assert relations - catalogue == {*READ_RELATIONS, *scorecards}
    assert all(name.split(".")[1].startswith(SCORECARD_PREFIXES) for name in scorecards)
    for path in written:  # the same warehouse gives the same bytes
        relative = path.relative_to(tmp_path / REPORT_FOLDER)
        assert path.read_bytes() == (report / relative).read_bytes(), relative


def test_pages_of_unchanged_figures_are_taken_from_the_live_release(build, report, pages, tmp_path, monkeypatch):
    """The build released the pages' digests with them: the report written again against its exports renders
    no page, only the index, and gives the same bytes."""
    rendered = []
    render = report_module.render_organisation_page
    monkeypatch.setattr(report_module, "render_organisation_page", lambda data: rendered.append(data) or render(data))
    monkeypatch.setattr(report_module, "PAGES_PER_WORKER", len(pages) + 1)  # any page rendered, it is rendered here
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        written = write_reports(con, tmp_path, build.exports)
    assert rendered == []
    assert len(written) == len(pages) + 1
    for path in written:
        relative = path.relative_to(tmp_path / REPORT_FOLDER)
        assert path.read_bytes() == (report / relative).read_bytes(), relative


def test_pages_hold_no_raw_identifier(build, report):
    identifiers: set[str] = set()
    for source in SOURCES:
        for column in source.personal_identifiers:
            identifiers |= {row[0] for row in build.query(
                f'select distinct "{column}" from raw.{source.name} where "{column}" is not null')}
    assert len(identifiers) > 1000
    for path in report.rglob("*.html"):
        leaked = identifiers.intersection(re.findall(r"[A-Za-z0-9_-]+", path.read_text(encoding="utf-8")))
        assert not leaked, f"{path.name} holds raw identifiers: {sorted(leaked)[:5]}"


def expected_indicator_cells(published, groups, code, year, indicator, breakdown) -> list[str]:
    measure = {1: "pct_bme", 2: "relative_likelihood", 3: "relative_likelihood", 4: "relative_likelihood",
               9: "difference_pp"}.get(indicator, "gap_pp")
    row = published.get((code, year, indicator, breakdown, measure))

    def figure(value, suppressed):
        return shown(measure, value) if value is not None else ("suppressed" if suppressed else "not computable")

    def group(name):
        if indicator == 1 or (code, year, indicator, breakdown, name) not in groups:
            return ""
        value, suppressed = groups[(code, year, indicator, breakdown, name)]
        return shown("percent", value) if value is not None else ("suppressed" if suppressed else "not computable")

    if row is None:
        return [group("White"), group("BME"), "not reported", last_year(published, code, year, indicator, breakdown,
                                                                           measure), "", "", ""]
    interval = assessment = ""
    if 2 <= indicator <= 8:
        interval = (f"{shown(measure, row['ci_lower'])} to {shown(measure, row['ci_upper'])}"
                    if row["ci_lower"] is not None and row["ci_upper"] is not None
                    else ("suppressed" if row["suppressed"] else "not computable"))
        assessment = row["assessment"] or ("suppressed" if row["suppressed"] else "not computable")
    band = (row["four_fifths_band"] or "") if measure == "relative_likelihood" else ""
    return [group("White"), group("BME"), figure(row["value"], row["suppressed"]),
            last_year(published, code, year, indicator, breakdown, measure), interval, assessment, band]


def last_year(published, code, year, indicator, breakdown, measure) -> str:
    row = published.get((code, year, indicator, breakdown, measure))
    if row is not None and row["previous_value"] is not None:
        return shown(measure, row["previous_value"])
    before = published.get((code, year - 1, indicator, breakdown, measure))
    if before is None:
        return "no previous year"
    if before["value"] is None:
        return "suppressed" if before["suppressed"] else "not computable"
    return shown(measure, before["value"])


def test_indicator_tables_show_the_published_figures(report, pages, published, published_groups, build):
    suppressed_cells = 0
    for code, year in pages:
        table = parse(report / code / f"wres_{year}.html").find("table", id="indicators")
        rows = [r for r in table.iter("tr") if "data-indicator" in r.attrs]
        assert sorted({int(r.attrs["data-indicator"]) for r in rows}) == list(range(1, 10))
        for row in rows:
            indicator, breakdown = int(row.attrs["data-indicator"]), row.attrs["data-breakdown"]
            shown_cells = cells(row)[1:]  # after the breakdown's label
            expected = expected_indicator_cells(published, published_groups, code, year, indicator, breakdown)
            assert shown_cells == expected, (code, year, indicator, breakdown)
            suppressed_cells += shown_cells.count("suppressed")
    assert suppressed_cells > 0  # the acceptance data has suppressed figures, and they show as such
    # ... and where the publication suppressed a likelihood or gap, the confidential return has one: the page
    # shows "suppressed" instead of that exact figure.
    hidden = build.query("""select count(*) from marts.rpt_publication_wres_headline p
                            join marts.rpt_wres_headline c using (organisation_code, wres_year, indicator, breakdown,
                                                                  measure)
                            where p.organisation_code <> 'ALL' and p.value is null and c.value is not null""")[0][0]
    assert hidden > 0


def test_comparison_with_all_organisations_is_computed_from_published_values(build, report, pages):
    stats = {
        row[:4]: row[4:]
        for row in build.query("""
            with published as (
                select h.wres_year, h.indicator, h.breakdown, h.organisation_code, h.value, o.region,
                       o.organisation_type
                from marts.rpt_publication_wres_headline h
                left join marts.dim_organisations o using (organisation_code)
                where h.organisation_code <> 'ALL' and h.value is not null and h.measure <> 'gap_to_overall_pp'
            )
            select p.organisation_code, p.wres_year, p.indicator, p.breakdown, p.value,
                   (select quantile_cont(value, 0.25) from published q where q.wres_year = p.wres_year
                      and q.indicator = p.indicator and q.breakdown = p.breakdown),
                   (select quantile_cont(value, 0.5) from published q where q.wres_year = p.wres_year
                      and q.indicator = p.indicator and q.breakdown = p.breakdown),
                   (select quantile_cont(value, 0.75) from published q where q.wres_year = p.wres_year
                      and q.indicator = p.indicator and q.breakdown = p.breakdown),
                   (select quantile_cont(value, 0.5) from published q where q.wres_year = p.wres_year
                      and q.indicator = p.indicator and q.breakdown = p.breakdown and q.region = p.region),
                   (select quantile_cont(value, 0.5) from published q where q.wres_year = p.wres_year
                      and q.indicator = p.indicator and q.breakdown = p.breakdown
                      and q.organisation_type = p.organisation_type),
                   (select count(*) from published q where q.wres_year = p.wres_year
                      and q.indicator = p.indicator and q.breakdown = p.breakdown and q.value < p.value) + 1,
                   (select count(*) from published q where q.wres_year = p.wres_year
                      and q.indicator = p.indicator and q.breakdown = p.breakdown)
            from published p where p.indicator >= 2""")
    }
    national = {row[:3]: row[3] for row in build.query(
        "select wres_year, indicator, breakdown, value from marts.rpt_publication_wres_headline "
        "where organisation_code = 'ALL' and indicator >= 2")}
    breakdowns = {2: "all", 3: "single_year", 4: "all", 9: "board_voting"}
    checked = 0
    for code, year in pages:
        table = parse(report / code / f"wres_{year}.html").find("table", id="position")
        for row in table.find("tbody").iter("tr"):
            shown_cells = cells(row)
            indicator = int(shown_cells[0].split(".")[0])
            breakdown = breakdowns.get(indicator, "all")
            measure = ("relative_likelihood" if indicator <= 4 else "difference_pp" if indicator == 9 else "gap_pp")
            all_together = national.get((year, indicator, breakdown))
            assert shown_cells[2] == (shown(measure, all_together) if all_together is not None else "not published")
            own = stats.get((code, year, indicator, breakdown))
            if own is None:
                assert shown_cells[1] == "not published" and shown_cells[8] == "not published"
                continue
            value, q1, median, q3, region, kind, rank, count = own
            assert shown_cells[1] == shown(measure, value)
            assert shown_cells[3:6] == [shown(measure, q1), shown(measure, median), shown(measure, q3)]
            assert shown_cells[6].split(" (")[0] == shown(measure, region)
            assert shown_cells[7].split(" (")[0] == shown(measure, kind)
            assert shown_cells[8] == f"{rank} of {count}"
            checked += 1
    assert checked > 10


def test_chart_points_are_published_values(report, pages, published, published_groups):
    series = {"Indicator 2": (2, "all"), "Indicator 3": (3, "single_year"), "Indicator 4": (4, "all")}
    point = re.compile(r"^(Indicator \d|White|BME)[^,]*(?:,[^,]*)*, (\d{4}): (.+)$")
    checked = 0
    for code, year in pages:
        page = parse(report / code / f"wres_{year}.html")
        for svg in page.iter("svg"):
            chart = svg.attrs["id"]
            if chart == "chart-position":
                continue
            for title in svg.iter("title"):
                match = point.match(title.text())
                if not match:
                    continue
                label, point_year, text = match.group(1), int(match.group(2)), match.group(3)
                assert point_year <= year  # a page shows its year and the years before
                if chart == "chart-likelihoods":
                    indicator, breakdown = series[label]
                    value = published[(code, point_year, indicator, breakdown, "relative_likelihood")]["value"]
                    assert text == shown("relative_likelihood", value), (code, year, chart, label, point_year)
                else:
                    indicator = int(chart.rsplit("-", 1)[1])
                    value = published_groups[(code, point_year, indicator, "all", label)][0]
                    assert text == shown("percent", value), (code, year, chart, label, point_year)
                checked += 1
    assert checked > 20


def test_text_from_data_is_escaped_and_scorecard_ratings_need_a_scorecard(build):
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        data = read_report_data(con)
    code, years = next(iter(data.years.items()))
    year = years[-1]
    plain = render_organisation_page(page_data(data, code, year))
    if data.scorecard_tables:  # the scorecard mart exists: its ratings show
        assert 'id="scorecard"' in plain
    else:
        assert "scorecard" not in plain.lower()
    organisation = data.organisation(code)
    hostile = dataclasses.replace(
        data,
        organisations={**data.organisations, code: dataclasses.replace(organisation, name="<script>alert(1)</script>")},
        scorecard_tables=("marts.rpt_diversity_scorecard",),
        scorecard={(code, year): [ScorecardRating("Inclusive <b>leadership</b>", "3.6", "BME board members", "Green",
                                                  "\u2191")]},
    )
    page = render_organisation_page(page_data(hostile, code, year))
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Inclusive &lt;b&gt;leadership&lt;/b&gt;" in page and "rating-green" in page


def test_scorecard_ratings_are_read_from_a_scorecard_mart_without_its_values():
    with duckdb.connect() as con:
        con.execute("create schema marts")
        assert read_scorecard(con, []) == {}
        con.execute("""create table marts.rpt_diversity_scorecard as select * from (values
            ('RXX', 2024, 'Inclusive leadership', 1, '3.1', 'z_board', 'Board share', 'BME', 'ethnicity', 12.5, 20.0,
             'Red', '↑', 1),
            ('RXX', 2024, 'Inclusive leadership', 1, '3.1', 'a_pay', 'Pay gap', 'Female', 'sex', 3.0, 0.0, 'Amber',
             '↓', 2),
            ('RXX', 2023, 'Inclusive culture', 3, '3.4', 'ind5', 'Harassment', 'BME', 'ethnicity', 3.0, 0.0, 'Green',
             '→', 1))
            t(organisation_code, wres_year, aim_title, aim_order, eds2_outcome, measure, measure_title, group_name,
              characteristic, value, target, rating, trend_arrow, sort_order)""")
        con.execute("create table marts.rpt_scorecard_unknown_shape (x integer)")  # skipped, not an error
        ratings = read_scorecard(con, ["marts.rpt_diversity_scorecard", "marts.rpt_scorecard_unknown_shape"])
    assert ratings == {  # titles rather than codes, in the scorecard's own order, and no value or target
        ("RXX", 2024): [ScorecardRating("Inclusive leadership", "3.1", "Board share", "Red", "↑", "BME (ethnicity)"),
                        ScorecardRating("Inclusive leadership", "3.1", "Pay gap", "Amber", "↓", "Female (sex)")],
        ("RXX", 2023): [ScorecardRating("Inclusive culture", "3.4", "Harassment", "Green", "→", "BME (ethnicity)")],
    }


# In a real browser -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if connect is None:
        pytest.skip("the websockets package (a dependency of dagster-webserver) is not installed")
    if not found:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; `make setup` tries to install it)")
    return found


def test_the_browser_check_catches_errors_and_non_local_requests(chromium, tmp_path):
    """The browser test below is not vacuous: the same check flags a bad page."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "bad.html").write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title><link rel="icon" href="data:,"></head>'
        '<body><img src="http://192.0.2.1/x.png" alt=""><script>console.error("boom")</script></body></html>',
        encoding="utf-8")
    with serve(site) as base, Browser(chromium, tmp_path / "profile") as browser:
        visit = browser.visit(f"{base}/bad.html")
    assert "boom" in visit.console_errors
    assert visit.non_local_requests == ["http://192.0.2.1/x.png"]


def test_every_page_in_a_real_browser(chromium, build, report, pages, tmp_path):
    urls = [INDEX_NAME, *(f"{code}/wres_{year}.html" for code, year in pages)]
    shots = build.exports / SCREENSHOTS
    make_folder(shots)
    problems = []
    started = time.monotonic()
    with serve(report) as base, Browser(chromium, tmp_path / "profile") as browser:
        for url in urls:
            visit = browser.visit(f"{base}/{url}")
            expected = INDEX_CHARTS if url == INDEX_NAME else ORGANISATION_CHARTS
            drawn = {svg["id"] for svg in visit.svgs if svg["width"] > 100 and svg["height"] > 100
                     and svg["title"] and svg["marks"] > 3}
            if visit.errors:
                problems.append(f"{url}: errors {visit.errors}")
            if visit.non_local_requests:
                problems.append(f"{url}: non-local requests {visit.non_local_requests}")
            if not expected <= drawn:
                problems.append(f"{url}: charts not drawn {sorted(expected - drawn)}")
            if visit.statuses.get(f"{base}/{url}") != 200:
                problems.append(f"{url}: HTTP status {visit.statuses.get(f'{base}/{url}')}")
            assert visit.screenshot[:8] == b"\x89PNG\r\n\x1a\n"
            target = shots / (url.replace("/", "_").removesuffix(".html") + ".png")
            target.write_bytes(visit.screenshot)
            if os.name == "posix":
                os.chmod(target, 0o640)  # like every file under the exports folder
    elapsed = time.monotonic() - started
    assert not problems, "\n".join(problems)
    assert sorted(p.name for p in shots.glob("*.png")) == sorted(
        u.replace("/", "_").removesuffix(".html") + ".png" for u in urls)
    SCREENSHOT_COPIES.mkdir(parents=True, exist_ok=True)  # a couple to look at after the run
    longest = max({code for code, _ in pages}, key=lambda code: (sum(c == code for c, _ in pages), code))
    latest = max(year for code, year in pages if code == longest)  # the richest page: most years of trend
    for name in ("index.png", f"{longest}_wres_{latest}.png"):
        shutil.copy(shots / name, SCREENSHOT_COPIES / name)
    print(f"{len(urls)} pages in {elapsed:.1f} s; screenshots in {shots} (copies in {SCREENSHOT_COPIES})")
