"""The WRES report as a web page: one self-contained HTML file per organisation and WRES year,
`report/<organisation_code>/wres_<year>.html`, and an index of every organisation, `report/index.html`.

What a page shows (all of it published figures):

- the nine indicators: this year, last year, the White and BME percentages, the likelihood, gap or difference
  with its 95% interval, the assessment and the four-fifths band;
- trend charts up to the page's year: the likelihoods of indicators 2, 3 (single year) and 4 against the 0.80 to
  1.25 band of the four-fifths rule, and the White and BME percentages of the survey indicators 5 to 8;
- the organisation among all organisations that year: the pooled value of all organisations together, the
  quartiles and median of the organisations' published values, the medians of its region and organisation type,
  and its rank;
- the diversity scorecard's ratings, once a scorecard mart exists (`SCORECARD_PREFIXES`); without one the
  section is left out.

Confidentiality. Every figure comes from the disclosure-controlled publication tables (`READ_RELATIONS`: the
publication headline and return; the organisation dimension for names, regions and types; the indicator seed
for titles), never from the confidential return, headline, trend or benchmark. In particular the benchmark mart
is *not* read: it holds every organisation's exact values, and a median or quartile of a few exact values is
one of them (the median of a region with one organisation is that organisation's exact likelihood). The
organisation's position is recomputed here from the published values of all organisations, and the pooled
national value is the publication's `ALL` row (totals of all organisations are not controlled, spec
domain.md). A suppressed figure is shown as "suppressed". Scorecard tables are read for their ratings, aims,
outcomes, measures, groups and trend arrows only, never their values or targets.

Self-contained. No script at all; CSS inline; the system font stack; charts drawn here as inline SVG, each with
a title and description (role="img") and its data in a table beside it; a Content-Security-Policy that lets
the page load nothing from anywhere (`default-src 'none'`), and an empty inline favicon so the browser does
not ask for one. Every text that came from data goes through `html.escape`. Output is deterministic: the same
warehouse gives the same bytes.

Rendered again only when its figures changed. Everything is read once (only the headline measures a page shows,
`SHOWN_MEASURES`), then each organisation-year's page is rendered from its own `PageData` and nothing else: the
organisation's name, region, type and years, its headlines and White and BME percentages of the indicator table's
rows in its years up to the page's, the indicator titles, its scorecard ratings, and its position among all
organisations that year as computed (quartiles, medians of its region and type, rank, the pooled value, how many
organisations are published). A page's digest is that of its `PageData` and of the source of this module and of
`workbook.py`, whose labels it shows (`lib/reuse.py`); a page whose digest is the live one's is taken from the live
release, any other is rendered (in a pool of processes when there are many, `lib/pool.py`). So after one
organisation re-issues an extract, its pages are rendered again, and those of every organisation whose position that
year moved (another organisation's value moving a quartile, a median or a rank, or the pooled value of all
organisations). The index is rendered every time.
"""

from __future__ import annotations

import bisect
import html
import math
import re
import sys
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import duckdb

from orchestration.lib import workbook as workbook_module
from orchestration.lib.export_tables import PUBLICATION_HEADLINE, PUBLICATION_RETURN
from orchestration.lib.pool import draw_all
from orchestration.lib.publish import write_text
from orchestration.lib.reuse import Reuse, write_changed
from orchestration.lib.workbook import BREAKDOWN_LABELS, MEASURE_LABELS

REPORT_FOLDER = "report"
INDEX_NAME = "index.html"
NATIONAL_CODE = "ALL"
NAMES_RELATION = "marts.dim_organisations"
INDICATORS_RELATION = "reference.wres_indicators"
READ_RELATIONS = (PUBLICATION_HEADLINE.relation, PUBLICATION_RETURN.relation, NAMES_RELATION, INDICATORS_RELATION)
SCORECARD_SCHEMA = "marts"
SCORECARD_PREFIXES = ("rpt_scorecard", "rpt_diversity_scorecard")
SAFE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")  # an organisation code that is safe as a folder name
# Pages are rendered in a pool of processes from this many per process (`lib/pool.py`): on 2 cores the 1,050 pages
# of the national data are written in about 0.5 s less, and below about 400 pages starting the pool costs more
# than it saves.
PAGES_PER_WORKER = 250

FOUR_FIFTHS_BAND = (0.80, 1.25)
SURVEY_INDICATORS = (5, 6, 7, 8)

SHORT_TITLES = {
    1: "Workforce: BME share by staff group",
    2: "Appointed from shortlisting",
    3: "Entering the formal disciplinary process",
    4: "Non-mandatory training and CPD",
    5: "Harassment, bullying or abuse from patients, relatives or the public",
    6: "Harassment, bullying or abuse from staff",
    7: "Equal opportunities for career progression or promotion",
    8: "Discrimination from a manager, team leader or colleague",
    9: "Board BME membership against the workforce",
}
GROUP_LABELS = {"overall": "All staff", "non_clinical": "Non-clinical staff", "clinical": "Clinical staff"}
MEASURE_TEXT = {**MEASURE_LABELS, 1: "BME share of staff"}
BETTER_TEXT = {"lower": "lower is better", "higher": "higher is better",
               "higher_up_to_zero": "higher is better up to zero"}
ASSESSMENT_CLASSES = {"adverse": "adverse", "favourable": "favourable",
                      "no significant difference": "neutral", "not computable": "muted"}


@dataclass(frozen=True)
class Row:
    """One headline measure of an indicator and breakdown."""

    indicator: int
    breakdown: str
    measure: str

    @property
    def breakdown_label(self) -> str:
        return GROUP_LABELS.get(self.breakdown) or BREAKDOWN_LABELS.get(self.breakdown, self.breakdown)


INDICATOR_ROWS = (  # the rows of the indicator table, in order
    Row(1, "overall", "pct_bme"), Row(1, "non_clinical", "pct_bme"), Row(1, "clinical", "pct_bme"),
    Row(2, "all", "relative_likelihood"),
    Row(3, "single_year", "relative_likelihood"), Row(3, "rolling_two_year", "relative_likelihood"),
    Row(4, "all", "relative_likelihood"),
    *(Row(indicator, "all", "gap_pp") for indicator in SURVEY_INDICATORS),
    *(Row(9, breakdown, "difference_pp")
      for breakdown in ("board_voting", "board_executive", "board_non_executive", "board_all")),
)
POSITION_ROWS = (  # one headline measure per indicator 2 to 9, for the comparison with all organisations
    Row(2, "all", "relative_likelihood"), Row(3, "single_year", "relative_likelihood"),
    Row(4, "all", "relative_likelihood"), *(Row(indicator, "all", "gap_pp") for indicator in SURVEY_INDICATORS),
    Row(9, "board_voting", "difference_pp"),
)
LIKELIHOOD_SERIES = (  # (row, legend, colour, marker)
    (Row(2, "all", "relative_likelihood"), "Indicator 2: appointed from shortlisting (White relative to BME)",
     "#005EB8", "circle"),
    (Row(3, "single_year", "relative_likelihood"),
     "Indicator 3: entering formal disciplinary (BME relative to White)", "#B3261E", "square"),
    (Row(4, "all", "relative_likelihood"), "Indicator 4: non-mandatory training and CPD (White relative to BME)",
     "#00703C", "triangle"),
)
GROUP_SERIES = (("White", "#425563", "circle"), ("BME", "#6B2C91", "square"))  # (ethnic group, colour, marker)
# The headline measures the pages show, the only ones read (but every row of all organisations together, whose
# years the index lists).
SHOWN_MEASURES = sorted({(row.indicator, row.breakdown, row.measure)
                         for row in (*INDICATOR_ROWS, *POSITION_ROWS, *(row for row, *_ in LIKELIHOOD_SERIES))})


# The data -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    region: str
    organisation_type: str


@dataclass(frozen=True)
class Headline:
    """One published headline measure."""

    value: float | None
    ci_lower: float | None
    ci_upper: float | None
    assessment: str | None
    four_fifths_band: str | None
    previous_value: float | None
    suppressed: bool


@dataclass(frozen=True)
class GroupFigure:
    """One ethnic group's published percentage of an indicator and breakdown."""

    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class Indicator:
    number: int
    title: str
    better_direction: str | None


@dataclass(frozen=True)
class ScorecardRating:
    """One scorecard measure's rating (never its value or target)."""

    aim: str
    outcome: str
    measure: str
    rating: str
    trend: str
    group: str = ""


HeadlineKey = tuple[str, int, int, str, str]  # organisation, year, indicator, breakdown, measure
GroupKey = tuple[str, int, int, str, str]  # organisation, year, indicator, breakdown, ethnic group


@dataclass(frozen=True)
class ReportData:
    """Everything the pages show, read once."""

    organisations: dict[str, Organisation]
    years: dict[str, list[int]]  # published WRES years per organisation (not ALL)
    headlines: dict[HeadlineKey, Headline]  # of `SHOWN_MEASURES`, and every one of all organisations together
    groups: dict[GroupKey, GroupFigure]
    indicators: dict[int, Indicator]
    scorecard: dict[tuple[str, int], list[ScorecardRating]]
    scorecard_tables: tuple[str, ...] = ()
    by_measure: dict[tuple[int, int, str, str], dict[str, float]] = field(init=False, repr=False, compare=False)
    _distributions: dict[tuple[int, int, str, str], Distribution] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        """Index the organisations' published values by year and measure, for the comparisons."""
        index: dict[tuple[int, int, str, str], dict[str, float]] = defaultdict(dict)
        for (code, year, indicator, breakdown, measure), headline in self.headlines.items():
            if code != NATIONAL_CODE and headline.value is not None:
                index[(year, indicator, breakdown, measure)][code] = headline.value
        object.__setattr__(self, "by_measure", dict(index))

    def headline(self, code: str, year: int, row: Row) -> Headline | None:
        return self.headlines.get((code, year, row.indicator, row.breakdown, row.measure))

    def organisation(self, code: str) -> Organisation:
        return self.organisations.get(code) or Organisation(code, code, "Unknown", "Unknown")

    def distribution(self, year: int, row: Row) -> Distribution:
        """The organisations' published values of `row` in `year`, summarised once for every page."""
        key = (year, row.indicator, row.breakdown, row.measure)
        if key not in self._distributions:
            self._distributions[key] = distribution(self.by_measure.get(key, {}), self.organisation)
        return self._distributions[key]


def read_report_data(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Read the publication tables, names, indicator titles and any scorecard ratings."""
    shown = ", ".join("(?, ?, ?)" for _ in SHOWN_MEASURES)
    headlines = {
        (code, year, indicator, breakdown, measure): Headline(*figures, bool(suppressed))
        for code, year, indicator, breakdown, measure, *figures, suppressed in con.execute(
            f"""select organisation_code, wres_year, indicator, breakdown, measure, value, ci_lower, ci_upper,
                       assessment, four_fifths_band, previous_value, suppressed
                from {PUBLICATION_HEADLINE.relation}
                where organisation_code = ? or (indicator, breakdown, measure) in ({shown})""",
            [NATIONAL_CODE, *(part for key in SHOWN_MEASURES for part in key)],
        ).fetchall()
    }
    years: dict[str, set[int]] = defaultdict(set)
    for code, year in con.execute(
        f"select distinct organisation_code, wres_year from {PUBLICATION_HEADLINE.relation} "
        "where organisation_code <> ?", [NATIONAL_CODE],
    ).fetchall():
        years[code].add(year)
    groups = {
        (code, year, indicator, breakdown, group): GroupFigure(value, bool(suppressed))
        for code, year, indicator, breakdown, group, value, suppressed in con.execute(
            f"""select organisation_code, wres_year, indicator, breakdown, ethnic_group, value, suppressed
                from {PUBLICATION_RETURN.relation} where indicator >= 2 and ethnic_group in ('White', 'BME')"""
        ).fetchall()
    }
    organisations = {
        code: Organisation(code, name or code, region or "Unknown", kind or "Unknown")
        for code, name, region, kind in con.execute(
            f"select organisation_code, organisation_name, region, organisation_type from {NAMES_RELATION}"
        ).fetchall()
    }
    indicators = {
        number: Indicator(number, title, better)
        for number, title, better in con.execute(
            f"select indicator, title, better_direction from {INDICATORS_RELATION}"
        ).fetchall()
    }
    tables = scorecard_tables(con)
    return ReportData(
        organisations=organisations,
        years={code: sorted(found) for code, found in sorted(years.items())},
        headlines=headlines,
        groups=groups,
        indicators=indicators,
        scorecard=read_scorecard(con, tables),
        scorecard_tables=tuple(tables),
    )


def scorecard_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The scorecard marts that exist (`marts.rpt_scorecard*`, `marts.rpt_diversity_scorecard*`), sorted."""
    names = con.execute(
        """select table_name from information_schema.tables
           where table_schema = ? and table_catalog = current_database() order by table_name""",
        [SCORECARD_SCHEMA],
    ).fetchall()
    return [f"{SCORECARD_SCHEMA}.{name}" for (name,) in names if name.startswith(SCORECARD_PREFIXES)]


SCORECARD_COLUMNS = {  # what the page needs -> the column names it accepts, first match wins
    "organisation_code": ("organisation_code",),
    "wres_year": ("wres_year", "year", "reporting_year"),
    "measure": ("measure_title", "measure_label", "measure_name", "measure"),
    "rating": ("rating", "rag_rating", "rag", "rating_rag", "rag_status"),
    "aim": ("aim_title", "aim_label", "aim_name", "aim"),
    "outcome": ("eds2_outcome", "eds_outcome", "eds2_goal_3_outcome", "outcome"),
    "group": ("group_name", "group_label", "ethnic_group"),
    "characteristic": ("characteristic",),
    "trend": ("trend_arrow", "trend", "arrow", "direction"),
}
SCORECARD_REQUIRED = ("organisation_code", "wres_year", "measure", "rating")
SCORECARD_ORDER = ("aim_order", "sort_order")  # the scorecard's own order of aims and measures, when it has one


def read_scorecard(con: duckdb.DuckDBPyConnection,
                   tables: Sequence[str]) -> dict[tuple[str, int], list[ScorecardRating]]:
    """The ratings of every scorecard table whose columns this page understands (others are skipped), in the
    scorecard's own order; never a value or a target."""
    ratings: dict[tuple[str, int], list[ScorecardRating]] = defaultdict(list)
    for relation in tables:
        schema, name = relation.split(".")
        available = {column for (column,) in con.execute(
            """select column_name from information_schema.columns
               where table_schema = ? and table_name = ? and table_catalog = current_database()""",
            [schema, name]).fetchall()}
        chosen = {need: next((c for c in accepted if c in available), None)
                  for need, accepted in SCORECARD_COLUMNS.items()}
        if any(chosen[need] is None for need in SCORECARD_REQUIRED):
            continue
        selected = ", ".join(
            f'cast("{column}" as varchar) as "{need}"' if column else f"'' as \"{need}\""
            for need, column in chosen.items()
        )
        order = ", ".join(['"organisation_code"', f'"{chosen["wres_year"]}"',
                           *(f'"{c}"' for c in SCORECARD_ORDER if c in available),
                           *(f'"{c}"' for c in (chosen["aim"], chosen["measure"], chosen["group"]) if c)])
        rows = con.execute(f"select {selected} from {relation} order by {order}").fetchall()
        for code, year, measure, rating, aim, outcome, group, characteristic, trend in rows:  # as SCORECARD_COLUMNS
            try:
                year = int(year)
            except (TypeError, ValueError):
                continue
            ratings[(code, year)].append(ScorecardRating(
                aim or "", outcome or "", measure or "", rating or "", trend or "",
                f"{group} ({characteristic})" if group and characteristic else group or ""))
    return dict(ratings)


# Figures as text ------------------------------------------------------------------------------------------------

MINUS = "\u2212"


def format_number(measure: str, value: float) -> str:
    """A measure's value as shown: likelihoods to two decimals, percentages and points to one."""
    if measure == "relative_likelihood":
        return f"{value:.2f}"
    if measure == "pct_bme":
        return f"{value:.1f}%"
    rounded = round(value, 1)
    text = f"{rounded:+.1f} pp" if rounded != 0 else "0.0 pp"
    return text.replace("-", MINUS)


def format_percent(value: float) -> str:
    return f"{value:.1f}%"


def format_interval(measure: str, low: float, high: float) -> str:
    return f"{format_number(measure, low)} to {format_number(measure, high)}"


def value_text(row: Row, headline: Headline | None) -> str:
    if headline is None:
        return "not reported"
    if headline.value is None:
        return "suppressed" if headline.suppressed else "not computable"
    return format_number(row.measure, headline.value)


def previous_text(data: PageData, row: Row) -> str:
    headline = data.headline(data.year, row)
    if headline is not None and headline.previous_value is not None:
        return format_number(row.measure, headline.previous_value)
    before = data.headline(data.year - 1, row)
    if before is None:
        return "no previous year"
    return value_text(row, before)


def interval_text(row: Row, headline: Headline | None) -> str:
    if headline is None or row.indicator in (1, 9):
        return ""
    if headline.ci_lower is None or headline.ci_upper is None:
        return "suppressed" if headline.suppressed else "not computable"
    return format_interval(row.measure, headline.ci_lower, headline.ci_upper)


def assessment_text(row: Row, headline: Headline | None) -> str:
    if headline is None or row.indicator in (1, 9):
        return ""
    return headline.assessment or ("suppressed" if headline.suppressed else "not computable")


def group_text(figure: GroupFigure | None) -> str:
    if figure is None:
        return ""
    if figure.value is None:
        return "suppressed" if figure.suppressed else "not computable"
    return format_percent(figure.value)


def esc(text: object) -> str:
    """Text from data, escaped for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


# Statistics over the organisations' published values -----------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile with linear interpolation (Excel's PERCENTILE.INC, DuckDB's quantile_cont)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Distribution:
    """Every organisation's published value of one measure in one year: sorted, with its quartiles, and the
    median and number of organisations of each region and organisation type."""

    values: dict[str, float]
    ordered: list[float]
    quartiles: tuple[float, float, float] | None
    regions: dict[str, tuple[float, int]]
    types: dict[str, tuple[float, int]]


def _medians(values: dict[str, float], group_of) -> dict[str, tuple[float, int]]:
    groups: dict[str, list[float]] = defaultdict(list)
    for code, value in values.items():
        groups[group_of(code)].append(value)
    return {group: (quantile(members, 0.5), len(members)) for group, members in groups.items()}


def distribution(values: dict[str, float], organisation) -> Distribution:
    listed = list(values.values())
    return Distribution(
        values=values,
        ordered=sorted(listed),
        quartiles=(quantile(listed, 0.25), quantile(listed, 0.5), quantile(listed, 0.75)) if listed else None,
        regions=_medians(values, lambda code: organisation(code).region),
        types=_medians(values, lambda code: organisation(code).organisation_type),
    )


@dataclass(frozen=True)
class Position:
    """Where an organisation's published value sits among all organisations' published values that year."""

    row: Row
    value: float | None
    national: float | None
    minimum: float | None
    q1: float | None
    median: float | None
    q3: float | None
    maximum: float | None
    organisations: int
    rank: int | None
    region_median: float | None
    region_organisations: int
    type_median: float | None
    type_organisations: int


def position(data: ReportData, code: str, year: int, row: Row) -> Position:
    """Recompute the comparison from the publication: every organisation's published value of `row` in `year`."""
    spread = data.distribution(year, row)
    own = spread.values.get(code)
    national = data.headline(NATIONAL_CODE, year, row)
    me = data.organisation(code)
    region_median, region_organisations = spread.regions.get(me.region, (None, 0))
    type_median, type_organisations = spread.types.get(me.organisation_type, (None, 0))
    q1, median, q3 = spread.quartiles or (None, None, None)
    return Position(
        row=row,
        value=own,
        national=national.value if national else None,
        minimum=spread.ordered[0] if spread.ordered else None,
        q1=q1,
        median=median,
        q3=q3,
        maximum=spread.ordered[-1] if spread.ordered else None,
        organisations=len(spread.ordered),
        rank=1 + bisect.bisect_left(spread.ordered, own) if own is not None else None,
        region_median=region_median,
        region_organisations=region_organisations,
        type_median=type_median,
        type_organisations=type_organisations,
    )


# One page's figures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageData:
    """Everything one organisation-year's page shows, and nothing else: the page is rendered from this alone, so
    its digest decides whether the page is rendered again (`lib/reuse.py`). Its position among all organisations
    is here as computed (`positions`), so another organisation's value that moves a quartile, a median or a rank
    changes it too."""

    organisation: Organisation
    year: int
    years: tuple[int, ...]  # the organisation's published WRES years
    headlines: dict[HeadlineKey, Headline]  # its headlines of the indicator table's rows, in its years up to `year`
    groups: dict[GroupKey, GroupFigure]  # its White and BME percentages of the same rows and years
    indicators: dict[int, Indicator]
    positions: tuple[Position, ...]  # one per row of `POSITION_ROWS`
    published: int  # how many organisations are published for `year`
    scorecard: tuple[ScorecardRating, ...] | None  # None: there is no scorecard mart

    def headline(self, year: int, row: Row) -> Headline | None:
        return self.headlines.get((self.organisation.code, year, row.indicator, row.breakdown, row.measure))

    def group(self, year: int, indicator: int, breakdown: str, group: str) -> GroupFigure | None:
        return self.groups.get((self.organisation.code, year, indicator, breakdown, group))


def page_data(data: ReportData, code: str, year: int) -> PageData:
    """What the page of `code` in `year` shows, picked out of everything read and computed once."""
    years = data.years[code]
    keys = [(code, earlier, row.indicator, row.breakdown, row.measure)
            for earlier in years if earlier <= year for row in INDICATOR_ROWS]
    group_keys = [(*key[:4], group) for key in keys for group, _, _ in GROUP_SERIES]
    return PageData(
        organisation=data.organisation(code),
        year=year,
        years=tuple(years),
        headlines={key: data.headlines[key] for key in keys if key in data.headlines},
        groups={key: data.groups[key] for key in group_keys if key in data.groups},
        indicators=data.indicators,
        positions=tuple(position(data, code, year, row) for row in POSITION_ROWS),
        published=sum(1 for published in data.years.values() if year in published),
        scorecard=tuple(data.scorecard.get((code, year), ())) if data.scorecard_tables else None,
    )


# SVG charts -----------------------------------------------------------------------------------------------------


def fmt(x: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def nice_step(span: float, most: int = 6) -> float:
    for step in (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        if span / step <= most:
            return step
    return 10 ** math.ceil(math.log10(span))


def marker(shape: str, x: float, y: float, colour: str, tooltip: str, size: float = 5) -> str:
    """A data point with its value as a tooltip (<title>), drawn in a shape as well as a colour."""
    title = f"<title>{esc(tooltip)}</title>"
    if shape == "square":
        return (f'<rect x="{fmt(x - size)}" y="{fmt(y - size)}" width="{fmt(2 * size)}" height="{fmt(2 * size)}" '
                f'fill="{colour}">{title}</rect>')
    if shape == "triangle":
        points = f"{fmt(x)},{fmt(y - size - 1)} {fmt(x - size - 1)},{fmt(y + size)} {fmt(x + size + 1)},{fmt(y + size)}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    if shape == "diamond":
        points = f"{fmt(x)},{fmt(y - size)} {fmt(x + size)},{fmt(y)} {fmt(x)},{fmt(y + size)} {fmt(x - size)},{fmt(y)}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    return f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(size)}" fill="{colour}">{title}</circle>'


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    shape: str
    values: dict[int, float]  # year -> published value (suppressed years absent)


def svg_open(chart_id: str, width: int, height: int, title: str, description: str) -> str:
    return (f'<svg id="{esc(chart_id)}" class="chart" role="img" aria-labelledby="{esc(chart_id)}-title '
            f'{esc(chart_id)}-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{esc(chart_id)}-title">{esc(title)}</title>'
            f'<desc id="{esc(chart_id)}-desc">{esc(description)}</desc>')


def line_chart(chart_id: str, title: str, description: str, years: Sequence[int], series: Sequence[Series],
               y_range: tuple[float, float], y_format, measure_text, band: tuple[float, float] | None = None,
               reference: float | None = None, width: int = 640, height: int = 300) -> str:
    """A line chart by WRES year: one line per series (broken where a year has no published value), a point
    with a tooltip per value, optional shaded band and dashed reference line, and a legend."""
    legend_rows = len(series) + (1 if band else 0) + (1 if reference is not None else 0)
    left, right, top = 52, 16, 12
    plot_bottom = height - 36
    total_height = height + 20 * legend_rows
    low, high = y_range
    plot_width = width - left - right

    def x_of(index: int) -> float:
        return left + (index + 0.5) * plot_width / max(len(years), 1)

    def y_of(value: float) -> float:
        return plot_bottom - (value - low) / (high - low) * (plot_bottom - top)

    parts = [svg_open(chart_id, width, total_height, title, description)]
    parts.append(f'<rect x="{left}" y="{top}" width="{plot_width}" height="{fmt(plot_bottom - top)}" fill="#FFFFFF" '
                 f'stroke="#AEB7BD"/>')
    if band:
        parts.append(f'<rect x="{left}" y="{fmt(y_of(band[1]))}" width="{plot_width}" '
                     f'height="{fmt(y_of(band[0]) - y_of(band[1]))}" fill="#E8EDEE"/>')
    step = nice_step(high - low)
    tick = math.ceil(low / step) * step
    while tick <= high + 1e-9:
        y = y_of(tick)
        parts.append(f'<line x1="{left}" x2="{left + plot_width}" y1="{fmt(y)}" y2="{fmt(y)}" stroke="#D8DDE0" '
                     f'stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{fmt(y + 4)}" text-anchor="end" class="tick">'
                     f"{esc(y_format(tick))}</text>")
        tick += step
    if reference is not None:
        y = y_of(reference)
        parts.append(f'<line x1="{left}" x2="{left + plot_width}" y1="{fmt(y)}" y2="{fmt(y)}" stroke="#212B32" '
                     f'stroke-dasharray="6 4" stroke-width="1.5"/>')
    for index, year in enumerate(years):
        parts.append(f'<text x="{fmt(x_of(index))}" y="{plot_bottom + 18}" text-anchor="middle" class="tick">'
                     f'{year}</text>')
    parts.append(f'<text x="{left + plot_width / 2:.0f}" y="{plot_bottom + 32}" text-anchor="middle" '
                 f'class="axis">WRES year</text>')
    for one in series:
        segment: list[str] = []
        segments: list[list[str]] = []
        for index, year in enumerate(years):
            if year in one.values:
                segment.append(f"{fmt(x_of(index))},{fmt(y_of(one.values[year]))}")
            elif segment:
                segments.append(segment)
                segment = []
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{one.colour}" '
                             f'stroke-width="2.5"/>')
        for index, year in enumerate(years):
            if year in one.values:
                value = one.values[year]
                parts.append(marker(one.shape, x_of(index), y_of(value), one.colour,
                                    f"{one.label}, {year}: {measure_text(value)}"))
    y = height - 4
    for one in series:
        y += 20
        parts.append(marker(one.shape, left + 8, y - 4, one.colour, one.label))
        parts.append(f'<text x="{left + 22}" y="{y}" class="legend">{esc(one.label)}</text>')
    if band:
        y += 20
        parts.append(f'<rect x="{left}" y="{y - 11}" width="16" height="12" fill="#E8EDEE" stroke="#AEB7BD"/>')
        parts.append(f'<text x="{left + 22}" y="{y}" class="legend">{esc(y_format(band[0]))} to '
                     f'{esc(y_format(band[1]))}: within the four-fifths band</text>')
    if reference is not None:
        y += 20
        parts.append(f'<line x1="{left}" x2="{left + 16}" y1="{y - 4}" y2="{y - 4}" stroke="#212B32" '
                     f'stroke-dasharray="4 3" stroke-width="1.5"/>')
        parts.append(f'<text x="{left + 22}" y="{y}" class="legend">{esc(y_format(reference))}: equal likelihood'
                     f'</text>')
    if not any(one.values for one in series):
        parts.append(f'<text x="{left + plot_width / 2:.0f}" y="{(top + plot_bottom) / 2:.0f}" text-anchor="middle" '
                     f'class="empty">No published values</text>')
    parts.append("</svg>")
    return "".join(parts)


def likelihood_series(headlines: Mapping[HeadlineKey, Headline], code: str, years: Sequence[int]) -> list[Series]:
    """The likelihoods of `code` by year (an organisation's, or all organisations' together)."""
    return [
        Series(label, colour, shape, {
            year: headline.value for year in years
            if (headline := headlines.get((code, year, row.indicator, row.breakdown, row.measure)))
            and headline.value is not None})
        for row, label, colour, shape in LIKELIHOOD_SERIES
    ]


def likelihood_chart(chart_id: str, who: str, headlines: Mapping[HeadlineKey, Headline], code: str,
                     years: Sequence[int]) -> str:
    series = likelihood_series(headlines, code, years)
    highest = max([FOUR_FIFTHS_BAND[1], *(v for one in series for v in one.values.values())])
    description = (f"Relative likelihoods of indicators 2, 3 (single year) and 4 for {who}, WRES years "
                   f"{years[0]} to {years[-1]}, against the shaded 0.80 to 1.25 band and a dashed line at 1.00. "
                   + "; ".join(f"{one.label}: " + (", ".join(f"{y} {v:.2f}" for y, v in sorted(one.values.items()))
                                                   or "no published value") for one in series) + ".")
    return line_chart(chart_id, f"Relative likelihoods by year, {who}", description, years, series,
                      (0.0, highest * 1.15), lambda v: f"{v:.2f}", lambda v: f"{v:.2f}", band=FOUR_FIFTHS_BAND,
                      reference=1.0)


def survey_series(data: PageData, years: Sequence[int], indicator: int) -> list[Series]:
    return [
        Series(group, colour, shape, {year: figure.value for year in years
                                      if (figure := data.group(year, indicator, "all", group))
                                      and figure.value is not None})
        for group, colour, shape in GROUP_SERIES
    ]


def survey_chart(chart_id: str, who: str, data: PageData, years: Sequence[int], indicator: int) -> str:
    series = survey_series(data, years, indicator)
    description = (f"Indicator {indicator}, {SHORT_TITLES[indicator].lower()}: the percentage of White and BME "
                   f"staff by WRES year for {who}. "
                   + "; ".join(f"{one.label}: " + (", ".join(f"{y} {v:.1f}%" for y, v in sorted(one.values.items()))
                                                   or "no published value") for one in series) + ".")
    return line_chart(chart_id, f"Indicator {indicator}: White and BME staff, {who}", description, years, series,
                      (0.0, 100.0), lambda v: f"{v:.0f}%", format_percent, width=420, height=240)


def position_chart(chart_id: str, who: str, positions: Sequence[Position]) -> str:
    """One row per indicator: the range of the organisations' published values, the box from the lower to the
    upper quartile, the median, the pooled value of all organisations (diamond) and this organisation (dot).
    Each row has its own scale (likelihoods and percentage points do not share one), labelled at its ends."""
    width, row_height, label_width, top = 860, 62, 300, 8
    scale_left, scale_right = label_width + 30, width - 140
    legend_top = top + row_height * len(positions) + 8
    height = legend_top + 4 * 22 + 8
    description = (f"{who} among all organisations, one row per indicator; each row has its own scale from the "
                   "lowest to the highest published value. " + " ".join(
                       f"Indicator {p.row.indicator}: this organisation "
                       f"{format_number(p.row.measure, p.value) if p.value is not None else 'not published'}, median "
                       f"{format_number(p.row.measure, p.median) if p.median is not None else 'none'}."
                       for p in positions))
    parts = [svg_open(chart_id, width, height, f"{who} among all organisations", description)]
    for index, p in enumerate(positions):
        y = top + index * row_height + row_height / 2 - 6
        measure = p.row.measure
        if index:
            parts.append(f'<line x1="0" x2="{width}" y1="{fmt(y - row_height / 2 + 6)}" '
                         f'y2="{fmt(y - row_height / 2 + 6)}" stroke="#E8EDEE"/>')
        parts.append(f'<text x="0" y="{fmt(y - 8)}" class="legend strong">Indicator {p.row.indicator}</text>')
        for line, text in enumerate(textwrap.wrap(SHORT_TITLES[p.row.indicator], 44)[:2]):
            parts.append(f'<text x="0" y="{fmt(y + 8 + 15 * line)}" class="tick">{esc(text)}</text>')
        if p.minimum is None:
            parts.append(f'<text x="{scale_left}" y="{fmt(y + 4)}" class="empty">No published values</text>')
            continue
        points = [v for v in (p.minimum, p.maximum, p.national, p.value) if v is not None]
        low, high = min(points), max(points)
        if high - low < 1e-9:
            pad = abs(high) * 0.1 or 0.1
            low, high = low - pad, high + pad

        def x_of(value: float, low: float = low, high: float = high) -> float:
            return scale_left + (value - low) / (high - low) * (scale_right - scale_left)

        parts.append(f'<line x1="{scale_left}" x2="{scale_right}" y1="{fmt(y)}" y2="{fmt(y)}" stroke="#D8DDE0"/>')
        parts.append(f'<text x="{scale_left}" y="{fmt(y + 24)}" class="tick">{esc(format_number(measure, low))}</text>')
        parts.append(f'<text x="{scale_right}" y="{fmt(y + 24)}" text-anchor="end" class="tick">'
                     f'{esc(format_number(measure, high))}</text>')
        parts.append(f'<line x1="{fmt(x_of(p.minimum))}" x2="{fmt(x_of(p.maximum))}" y1="{fmt(y)}" y2="{fmt(y)}" '
                     f'stroke="#425563" stroke-width="2"><title>{esc(range_tooltip(p))}</title></line>')
        parts.append(f'<rect x="{fmt(x_of(p.q1))}" y="{fmt(y - 9)}" width="{fmt(max(x_of(p.q3) - x_of(p.q1), 1))}" '
                     f'height="18" fill="#D2E3F3" stroke="#005EB8"><title>{esc(quartiles_tooltip(p))}</title></rect>')
        parts.append(f'<line x1="{fmt(x_of(p.median))}" x2="{fmt(x_of(p.median))}" y1="{fmt(y - 9)}" '
                     f'y2="{fmt(y + 9)}" stroke="#003087" stroke-width="3"><title>Median: '
                     f'{esc(format_number(measure, p.median))}</title></line>')
        if p.national is not None:
            parts.append(marker("diamond", x_of(p.national), y, "#B3261E",
                                f"All organisations together: {format_number(measure, p.national)}", size=7))
        if p.value is not None:
            parts.append(marker("circle", x_of(p.value), y, "#212B32",
                                f"{who}: {format_number(measure, p.value)}", size=6))
            own = format_number(measure, p.value)
        else:
            own = "not published"
        parts.append(f'<text x="{scale_right + 16}" y="{fmt(y + 5)}" class="legend strong">{esc(own)}</text>')
    y = legend_top + 16
    parts.append(marker("circle", scale_left + 8, y - 4, "#212B32", who, size=6))
    parts.append(f'<text x="{scale_left + 24}" y="{y}" class="legend">{esc(who)} (value at the right)</text>')
    parts.append(marker("diamond", scale_left + 8, y + 18, "#B3261E", "All organisations together", size=7))
    parts.append(f'<text x="{scale_left + 24}" y="{y + 22}" class="legend">All organisations together</text>')
    parts.append(f'<rect x="{scale_left - 4}" y="{y + 34}" width="24" height="14" fill="#D2E3F3" stroke="#005EB8"/>')
    parts.append(f'<line x1="{scale_left + 8}" x2="{scale_left + 8}" y1="{y + 34}" y2="{y + 48}" stroke="#003087" '
                 f'stroke-width="3"/>')
    parts.append(f'<text x="{scale_left + 24}" y="{y + 44}" class="legend">Lower quartile to upper quartile, and the '
                 f'median</text>')
    parts.append(f'<line x1="{scale_left - 4}" x2="{scale_left + 20}" y1="{y + 62}" y2="{y + 62}" stroke="#425563" '
                 f'stroke-width="2"/>')
    parts.append(f'<text x="{scale_left + 24}" y="{y + 66}" class="legend">Lowest to highest published value</text>')
    parts.append("</svg>")
    return "".join(parts)


def range_tooltip(p: Position) -> str:
    return (f"Lowest {format_number(p.row.measure, p.minimum)}, highest {format_number(p.row.measure, p.maximum)} "
            f"({p.organisations} organisations)")


def quartiles_tooltip(p: Position) -> str:
    return (f"Lower quartile {format_number(p.row.measure, p.q1)}, upper quartile "
            f"{format_number(p.row.measure, p.q3)}")


# Pages ----------------------------------------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #F0F4F5; color: #212B32; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
    "Liberation Sans", sans-serif; }
header.banner { background: #005EB8; color: #FFFFFF; padding: 0.75rem 1.5rem; }
header.banner a { color: #FFFFFF; }
main { max-width: 1240px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.9rem; margin: 0.5rem 0 0.25rem; line-height: 1.2; }
h2 { font-size: 1.4rem; margin: 2.25rem 0 0.5rem; border-bottom: 2px solid #AEB7BD; padding-bottom: 0.25rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }
p, li, dd { max-width: 72ch; }
a { color: #005EB8; }
a:visited { color: #330072; }
a:focus { outline: 3px solid #FFB81C; outline-offset: 1px; background: #FFEB3B; color: #212B32; }
.lede { color: #4C6272; font-size: 1.05rem; margin-top: 0; }
.note { background: #FFFFFF; border-left: 6px solid #005EB8; padding: 0.75rem 1rem; }
nav.years ul { list-style: none; padding: 0; margin: 0.5rem 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
nav.years a, nav.years span { display: inline-block; padding: 0.15rem 0.6rem; border: 1px solid #005EB8;
  border-radius: 4px; background: #FFFFFF; text-decoration: none; }
nav.years span[aria-current] { background: #005EB8; color: #FFFFFF; font-weight: 600; }
.table-wrap { overflow-x: auto; background: #FFFFFF; border: 1px solid #D8DDE0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; background: #FFFFFF; }
caption { text-align: left; font-weight: 600; padding: 0.6rem 0.75rem; font-size: 1rem; }
th, td { border-top: 1px solid #D8DDE0; padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; }
thead th { background: #E8EDEE; border-bottom: 2px solid #AEB7BD; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tbody tr:nth-child(even) { background: #F8FAFA; }
#indicators tbody { border-top: 2px solid #AEB7BD; }
#indicators tbody tr { background: #FFFFFF; }
#indicators tbody:nth-of-type(even) tr { background: #F8FAFA; }
th.group, #position tbody th { width: 17rem; }
th small, td small { font-weight: normal; color: #4C6272; }
td.this-year { font-weight: 600; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 3px; font-size: 0.85rem; white-space: nowrap; }
.adverse { background: #FBE3E3; color: #8A1C1C; }
.favourable { background: #E3F2E8; color: #00512A; }
.neutral { background: #E8EDEE; color: #212B32; }
.muted, .suppressed { color: #4C6272; font-style: italic; }
.rating { font-weight: 600; }
.table-wrap + .table-wrap { margin-top: 1rem; }
.rating-red { background: #FBE3E3; color: #8A1C1C; }
.rating-amber { background: #FFF1CC; color: #5C3D00; }
.rating-green { background: #E3F2E8; color: #00512A; }
figure { margin: 1rem 0; background: #FFFFFF; border: 1px solid #D8DDE0; padding: 0.75rem; }
figcaption { font-weight: 600; margin-bottom: 0.5rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 1rem; }
.charts figure { margin: 0; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg .tick { font-size: 12px; fill: #4C6272; }
svg .axis, svg .legend { font-size: 13px; fill: #212B32; }
svg .strong { font-weight: 600; }
svg .empty { font-size: 14px; fill: #4C6272; font-style: italic; }
details { margin-top: 0.5rem; }
summary { cursor: pointer; color: #005EB8; }
dl.definitions dt { font-weight: 600; margin-top: 0.5rem; }
dl.definitions dd { margin-left: 0; }
footer { max-width: 1240px; margin: 0 auto; padding: 1rem 1.5rem 2rem; color: #4C6272; font-size: 0.9rem; }
@media print { body { background: #FFFFFF; } header.banner { background: #FFFFFF; color: #212B32; }
  details { display: none; } }
""".strip()

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def page(title: str, body: str, home_href: str) -> str:
    """A whole HTML document: nothing loaded from anywhere, CSS inline, no script."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{esc(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        f'<header class="banner"><a href="{home_href}">Workforce Race Equality Standard: published reports</a>'
        "</header>\n"
        f"<main>\n{body}\n</main>\n"
        "<footer><p>Built by the WRES warehouse from the publication tables (disclosure control applied: counts "
        "from 1 to 7 suppressed, other counts rounded to the nearest 5, and every rate, likelihood, interval and "
        "gap recomputed from the published counts). This page loads nothing from the internet.</p></footer>\n"
        "</body>\n</html>\n"
    )


def table(caption: str, headers: Sequence[tuple[str, bool]], rows: Iterable[Sequence[str]], table_id: str = "") -> str:
    """A table with a caption and column headers; `headers` are (label, numeric); cells are HTML already
    escaped; the first cell of each row is its row header."""
    numeric_class = ' class="num"'
    head = "".join(f'<th scope="col"{numeric_class if numeric else ""}>{esc(label)}</th>'
                   for label, numeric in headers)
    body = []
    for cells in rows:
        out = []
        for index, (cell, (_, numeric)) in enumerate(zip(cells, headers)):
            tag = "th" if index == 0 else "td"
            scope = ' scope="row"' if index == 0 else ""
            css = ' class="num"' if numeric else ""
            out.append(f"<{tag}{scope}{css}>{cell}</{tag}>")
        body.append("<tr>" + "".join(out) + "</tr>")
    identifier = f' id="{esc(table_id)}"' if table_id else ""
    return (f'<div class="table-wrap"><table{identifier}><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def cell(text: str) -> str:
    """A figure's cell: a withheld or absent figure in muted italics."""
    if text in ("suppressed", "not computable", "not reported", "no previous year", "not published"):
        return f'<span class="suppressed">{esc(text)}</span>'
    return esc(text)


def assessment_cell(text: str) -> str:
    if not text:
        return ""
    if text == "suppressed":
        return cell(text)
    return f'<span class="badge {ASSESSMENT_CLASSES.get(text, "muted")}">{esc(text)}</span>'


def organisation_page_path(code: str, year: int) -> str:
    """Where an organisation-year's page goes, relative to the exports folder."""
    if not SAFE_CODE.match(code):
        raise ValueError(f"organisation code {code!r} cannot name a report folder")
    return f"{REPORT_FOLDER}/{code}/wres_{year}.html"


def indicator_table(data: PageData, caption: str) -> str:
    """The nine indicators: one row group per indicator (its number, title and measure as the group's header),
    one row per breakdown."""
    numeric_class = ' class="num"'
    head = "".join(f'<th scope="col"{numeric_class if numeric else ""}>{esc(label)}</th>'
                   for label, numeric in INDICATOR_HEADERS)
    groups = []
    for indicator in sorted({row.indicator for row in INDICATOR_ROWS}):
        rows = [row for row in INDICATOR_ROWS if row.indicator == indicator]
        lines = []
        for index, row in enumerate(rows):
            headline = data.headline(data.year, row)
            white = data.group(data.year, row.indicator, row.breakdown, "White")
            bme = data.group(data.year, row.indicator, row.breakdown, "BME")
            band = headline.four_fifths_band if headline and row.measure == "relative_likelihood" else None
            cells = [
                f'<th scope="row">{esc(row.breakdown_label)}</th>',
                f'<td class="num">{cell(group_text(white)) if indicator > 1 else ""}</td>',
                f'<td class="num">{cell(group_text(bme)) if indicator > 1 else ""}</td>',
                f'<td class="num this-year">{cell(value_text(row, headline))}</td>',
                f'<td class="num">{cell(previous_text(data, row))}</td>',
                f'<td class="num">{cell(interval_text(row, headline))}</td>',
                f"<td>{assessment_cell(assessment_text(row, headline))}</td>",
                f"<td>{esc(band or '')}</td>",
            ]
            if index == 0:
                cells.insert(0, f'<th scope="rowgroup" rowspan="{len(rows)}" class="group">{indicator}. '
                                f'{esc(SHORT_TITLES[indicator])}<br><small>{esc(MEASURE_TEXT[indicator])}</small></th>')
            lines.append(f'<tr data-indicator="{row.indicator}" data-breakdown="{esc(row.breakdown)}">'
                         f"{''.join(cells)}</tr>")
        groups.append(f"<tbody>{''.join(lines)}</tbody>")
    return (f'<div class="table-wrap"><table id="indicators"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead>{''.join(groups)}</table></div>")


INDICATOR_HEADERS = (("Indicator and measure", False), ("Breakdown", False), ("White %", True),
                     ("BME %", True), ("This year", True), ("Last year", True), ("95% interval", True),
                     ("Assessment", False), ("Four-fifths band", False))
POSITION_HEADERS = (("Indicator", False), ("This organisation", True), ("All organisations together", True),
                    ("Lower quartile", True), ("Median", True), ("Upper quartile", True), ("Region median", True),
                    ("Type median", True), ("Rank (1 = lowest)", True))


def position_rows(indicators: dict[int, Indicator], positions: Sequence[Position]) -> list[list[str]]:
    rows = []
    for p in positions:
        measure = p.row.measure

        def shown(value: float | None, measure: str = measure) -> str:
            return cell(format_number(measure, value)) if value is not None else cell("not published")

        better = indicators.get(p.row.indicator)
        direction = BETTER_TEXT.get(better.better_direction or "", "") if better else ""
        rows.append([
            f"{p.row.indicator}. {esc(SHORT_TITLES[p.row.indicator])}"
            + (f"<br><small>{esc(p.row.breakdown_label)}; {esc(direction)}</small>" if direction else ""),
            shown(p.value),
            shown(p.national),
            shown(p.q1),
            shown(p.median),
            shown(p.q3),
            shown(p.region_median) + (f" <small>({p.region_organisations})</small>" if p.region_median is not None
                                      else ""),
            shown(p.type_median) + (f" <small>({p.type_organisations})</small>" if p.type_median is not None else ""),
            esc(f"{p.rank} of {p.organisations}") if p.rank is not None else cell("not published"),
        ])
    return rows


def chart_figure(caption: str, svg: str, data_caption: str, headers: Sequence[str], rows: list[list[str]]) -> str:
    """A chart in a figure with its caption, and its data as a table for those who cannot see it."""
    data_table = table(data_caption, [(h, i > 0) for i, h in enumerate(headers)], rows)
    return (f"<figure><figcaption>{esc(caption)}</figcaption>{svg}"
            f"<details><summary>The chart's figures as a table</summary>{data_table}</details></figure>")


def series_rows(years: Sequence[int], series: Sequence[Series], formatter) -> list[list[str]]:
    return [[esc(str(year)), *(esc(formatter(one.values[year])) if year in one.values else cell("not published")
                               for one in series)] for year in years]


def scorecard_section(data: PageData) -> str:
    """The scorecard's ratings of the organisation-year, one table per aim; nothing when there is no scorecard."""
    if data.scorecard is None:
        return ""
    ratings, year = data.scorecard, data.year
    heading = '<h2 id="scorecard">Diversity scorecard</h2>'
    if not ratings:
        return heading + "<p>The diversity scorecard has no ratings for this organisation and year.</p>"
    aims: dict[str, list[ScorecardRating]] = defaultdict(list)
    for rating in ratings:
        aims[rating.aim].append(rating)
    headers = [("Measure", False), ("Group", False), ("EDS2 outcome", False), ("Rating", False), ("Trend", False)]
    tables = "".join(
        table(f"{aim or 'Scorecard'}: ratings, {year}", headers,
              [[esc(r.measure), esc(r.group), esc(r.outcome), rating_cell(r.rating), esc(r.trend)] for r in rows],
              f"scorecard-{index}")
        for index, (aim, rows) in enumerate(aims.items(), start=1))
    return heading + (
        "<p>Each measure rated red, amber or green against the target the trust has set, with its trend. The "
        "scorecard's values and targets are not shown here.</p>" + tables)


def rating_cell(rating: str) -> str:
    colour = rating.strip().lower()
    css = f" rating-{colour}" if colour in ("red", "amber", "green") else ""
    return f'<span class="badge rating{css}">{esc(rating)}</span>'


def render_organisation_page(data: PageData) -> str:
    """One organisation-year's page: heading, the nine indicators, trends, the comparison with all
    organisations and, once there is a scorecard, its ratings."""
    who = f"{data.organisation.name} ({data.organisation.code})"
    body = "\n".join([
        heading_section(data, who),
        indicators_section(data, who),
        trends_section(data, who),
        benchmark_section(data, who),
        scorecard_section(data),
    ])
    return page(f"{who}: WRES {data.year}", body, f"../{INDEX_NAME}")


def heading_section(data: PageData, who: str) -> str:
    organisation, year = data.organisation, data.year
    year_links = "".join(
        f'<li><span aria-current="page">{y}</span></li>' if y == year
        else f'<li><a href="wres_{y}.html" aria-label="WRES {y}">{y}</a></li>' for y in data.years)
    adverse = sorted({row.indicator for row in INDICATOR_ROWS
                      if (h := data.headline(year, row)) and h.assessment == "adverse"})
    summary = (f"Assessed adverse this year: indicator{'s' if len(adverse) > 1 else ''} "
               f"{', '.join(str(i) for i in adverse)}." if adverse else "No indicator is assessed adverse this year.")
    return f"""<nav aria-label="Breadcrumb"><a href="../{INDEX_NAME}">All organisations</a></nav>
<h1>{esc(who)}: WRES {year}</h1>
<p class="lede">{esc(organisation.region)} region &middot; {esc(organisation.organisation_type)}</p>
<nav class="years" aria-label="WRES years of this organisation"><ul>{year_links}</ul></nav>
<p class="note">These are the published figures, with disclosure control: counts from 1 to 7 are suppressed and
other counts rounded to the nearest 5, and every percentage, likelihood and interval is recomputed from the
published counts, so they can differ slightly from the confidential return. {esc(summary)}</p>"""


def indicators_section(data: PageData, who: str) -> str:
    definitions = "".join(
        f"<dt>Indicator {number}</dt><dd>{esc(indicator.title)}"
        + (f" ({esc(BETTER_TEXT[indicator.better_direction])})" if indicator.better_direction in BETTER_TEXT else "")
        + "</dd>" for number, indicator in sorted(data.indicators.items()))
    return f"""<h2 id="indicators-heading">The nine indicators</h2>
{indicator_table(data, f"WRES indicators 1 to 9 for {who}, {data.year}, with last year")}
<details><summary>What each indicator measures</summary><dl class="definitions">{definitions}</dl></details>"""


def trends_section(data: PageData, who: str) -> str:
    """The likelihood chart and the four survey charts, over the organisation's years up to the page's."""
    code, years = data.organisation.code, [y for y in data.years if y <= data.year]
    likelihoods = chart_figure(
        "Relative likelihoods of indicators 2 to 4 against the four-fifths band (0.80 to 1.25)",
        likelihood_chart("chart-likelihoods", who, data.headlines, code, years),
        "Relative likelihoods by WRES year", ["WRES year", "Indicator 2", "Indicator 3 (single year)", "Indicator 4"],
        series_rows(years, likelihood_series(data.headlines, code, years), lambda v: f"{v:.2f}"))
    survey = "".join(
        chart_figure(f"Indicator {indicator}: {SHORT_TITLES[indicator]}",
                     survey_chart(f"chart-survey-{indicator}", who, data, years, indicator),
                     f"Indicator {indicator}: percentage of White and BME staff", ["WRES year", "White", "BME"],
                     series_rows(years, survey_series(data, years, indicator), format_percent))
        for indicator in SURVEY_INDICATORS)
    return f"""<h2 id="trends">Trends</h2>
{likelihoods}
<p>Above 1, White staff are more likely to be appointed from shortlisting (indicator 2) and to access
non-mandatory training (indicator 4), and BME staff more likely to enter the formal disciplinary process
(indicator 3). A year without a point has no published value.</p>
<h3>Staff survey, indicators 5 to 8: White and BME staff</h3>
<div class="charts">{survey}</div>"""


def benchmark_section(data: PageData, who: str) -> str:
    """The organisation among all organisations that year, recomputed from the published values."""
    organisation, year, positions, published = data.organisation, data.year, data.positions, data.published
    return f"""<h2 id="benchmark">Among all organisations, {year}</h2>
<p>Computed from the published values of the {published} organisations published for {year}: the quartiles and
medians are of the organisations' published values, "all organisations together" is the value from the pooled
counts of every organisation, and the rank counts from the lowest value (1 = lowest) among the organisations
with a published value. The region and type medians are over the organisations of the same region
({esc(organisation.region)}) and type ({esc(organisation.organisation_type)}); their number is in brackets.</p>
{table(f"{who} among all organisations, {year}", POSITION_HEADERS, position_rows(data.indicators, positions),
        "position")}
<figure><figcaption>{esc(who)} among all organisations, {year}</figcaption>
{position_chart("chart-position", who, positions)}</figure>"""


def render_index(data: ReportData) -> str:
    """The index of every organisation with links to its pages, and all organisations together by year."""
    rows = []
    for code, years in data.years.items():
        organisation = data.organisation(code)
        links = " ".join(f'<a href="{quote(code)}/wres_{year}.html" aria-label="{esc(organisation.name)}, WRES {year}">'
                         f"{year}</a>" for year in reversed(years))
        rows.append([esc(code), esc(organisation.name), esc(organisation.region), esc(organisation.organisation_type),
                     links])
    national_years = sorted({year for (code, year, *_), _ in data.headlines.items() if code == NATIONAL_CODE})
    national_rows = [
        [f"{row.indicator}. {esc(SHORT_TITLES[row.indicator])} <small>({esc(row.breakdown_label)})</small>",
         *(cell(value_text(row, data.headline(NATIONAL_CODE, year, row))) for year in national_years)]
        for row in POSITION_ROWS
    ]
    national = ""
    if national_years:
        national = f"""
<h2 id="national">All organisations together</h2>
<p>Figures from the pooled counts of every organisation (totals of all organisations are not subject to
disclosure control).</p>
{table("Headline measures of all organisations together, by WRES year",
       [("Indicator", False), *((str(year), True) for year in national_years)], national_rows, "national-table")}
{chart_figure("Relative likelihoods of all organisations together against the four-fifths band",
              likelihood_chart("chart-national-likelihoods", "all organisations together", data.headlines,
                               NATIONAL_CODE, national_years),
              "Relative likelihoods by WRES year, all organisations together",
              ["WRES year", "Indicator 2", "Indicator 3 (single year)", "Indicator 4"],
              series_rows(national_years, likelihood_series(data.headlines, NATIONAL_CODE, national_years),
                          lambda v: f"{v:.2f}"))}
"""
    body = f"""
<h1>Workforce Race Equality Standard reports</h1>
<p class="lede">One report per organisation and WRES year, from the published (disclosure-controlled) figures.</p>
{table("Organisations and their reports", [("Code", False), ("Organisation", False), ("Region", False),
                                           ("Type", False), ("Reports by WRES year", False)], rows, "organisations")}
{national}
"""
    return page("Workforce Race Equality Standard reports", body, INDEX_NAME)


# Writing --------------------------------------------------------------------------------------------------------


def write_reports(con: duckdb.DuckDBPyConnection, folder: Path, live_dir: Path | None = None) -> list[Path]:
    """Write every organisation-year's page and the index under `folder` (a run's staging folder, or any
    exports folder); return the paths written, sorted. With `live_dir` (the live exports folder, when `folder` is
    a run's staging folder), a page whose figures did not change since the last release is taken from there
    (`lib/reuse.py`); the index is rendered every time."""
    data = read_report_data(con)
    jobs = [(folder / organisation_page_path(code, year), page_data(data, code, year))
            for code, years in data.years.items() for year in years]
    reuse = Reuse.open("report", live_dir, folder, [sys.modules[__name__], workbook_module])
    pages = write_changed(reuse, jobs, target_of=lambda job: job[0], arguments_of=lambda job: job[1:],
                          draw=lambda todo: draw_all(write_page, todo, PAGES_PER_WORKER))
    index = folder / REPORT_FOLDER / INDEX_NAME
    write_text(index, render_index(data))
    return sorted([*pages, index])


def write_page(target: Path, data: PageData) -> Path:
    """Render one organisation-year's page and write it (staged: the release makes it durable, `lib/release.py`)."""
    write_text(target, render_organisation_page(data), sync=False)
    return target



def owned_patterns() -> list[str]:
    """The live files the report asset owns: the page of an organisation-year no longer published goes."""
    return [f"{REPORT_FOLDER}/*/wres_*.html", f"{REPORT_FOLDER}/{INDEX_NAME}"]
