"""The WRES return as a person reads it: one Excel workbook per organisation and WRES year (`spec/outputs.md` 1).

`returns/<organisation_code>/WRES_<organisation_code>_<year>.xlsx`, laid out like the national reporting
template, with three sheets:

- "Cover": the organisation, the year and its dates, the headcount, BME share and ethnicity declaration rate,
  and data-quality notes (quarantined rows, rejected files, indicators not reported and why);
- "Indicator 1": the workforce by band and medical grade, non-clinical rows then clinical rows in the
  `indicator_1_bands` seed's order, each with White, BME and Unknown counts, the total and row percentages,
  then the non-clinical, clinical and overall totals;
- "Indicators 2-9": one row per indicator and breakdown: this year's White and BME figures with their counts,
  the headline measure this year and last year, its 95% interval, assessment and four-fifths band.

Number formats. Every cell holds the warehouse's full-precision value; only the display format rounds.
Percentages and percentage points are held *in percent units* (45.8 means 45.8%, never 0.458) and shown to one
decimal with a literal sign: `PERCENT_FORMAT` (`45.8%`) and `POINTS_FORMAT` (`-3.2 pp`); relative likelihoods
to two decimals (`LIKELIHOOD_FORMAT`); counts with thousands separators (`COUNT_FORMAT`). No cell holds a
formula: every text goes through `write_text`, which stores it as a string even when it starts with `=`, `+`,
`-` or `@` (and marks such a cell quote-prefixed, so that Excel keeps it as text when it is edited).

The sheets are recorded and saved with `lib/xlsx.py`, the project's own small xlsx writer: 3 ms a workbook where
openpyxl took 20, for a thousand workbooks in a national build.

The workbooks hold exact counts: like the rest of `returns/`, they are confidential.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import duckdb

from orchestration.lib import xlsx
from orchestration.lib.pool import draw_all
from orchestration.lib.publish import atomic_path, remove_stale_temporaries
from orchestration.lib.reuse import Reuse, write_changed
from orchestration.lib.xlsx import GENERAL, PLAIN, Font, Sheet, Style, Value

RETURNS_FOLDER = "returns"
QUARANTINE_EXPORT = "quality/quarantine.csv"

PERCENT_FORMAT = '0.0"%"'
POINTS_FORMAT = '0.0" pp"'
LIKELIHOOD_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "d mmmm yyyy"

FORMULA_TRIGGERS = ("=", "+", "-", "@")
HEADER_ROW = 3  # row 1 the title, row 2 a subtitle, row 3 the column headers; rows 1-3 stay frozen
MAX_COLUMN_WIDTH = 60
# Workbooks are written in a pool of processes from this many per process (`lib/pool.py`): 3 to 5 ms each, so a
# process is worth starting for a national build's thousand (its return workbooks: 9 s in one process, 6 s in two,
# with an fsync each), not for the sample's twenty.
WORKBOOKS_PER_WORKER = 100
BOLD = Font(bold=True)
ITALIC = Font(italic=True)
TITLE_FONT = Font(bold=True, size=14)

GROUPS = ("White", "BME", "Unknown")
SURVEY_INDICATORS = (5, 6, 7, 8)

MEASURE_LABELS = {
    2: "Relative likelihood, White to BME",
    3: "Relative likelihood, BME to White",
    4: "Relative likelihood, White to BME",
    5: "Gap, BME minus White",
    6: "Gap, BME minus White",
    7: "Gap, BME minus White",
    8: "Gap, BME minus White",
    9: "Board BME minus workforce BME",
}
MEASURE_FORMATS = {"relative_likelihood": LIKELIHOOD_FORMAT, "gap_pp": POINTS_FORMAT, "difference_pp": POINTS_FORMAT}
BREAKDOWN_LABELS = {  # also the order of an indicator's breakdowns on the sheet
    "all": "All",
    "single_year": "Single year",
    "rolling_two_year": "Rolling two years",
    "board_voting": "Voting members",
    "board_executive": "Executive members",
    "board_non_executive": "Non-executive members",
    "board_all": "All members",
}
BAND_LABELS = {
    "under_band_1": "Under Band 1",
    "vsm": "Very senior manager (VSM)",
    "medical_consultant": "Medical: consultant",
    "medical_non_consultant_career_grade": "Medical: non-consultant career grade",
    "medical_trainee": "Medical: trainee grade",
    "medical_other": "Medical: other",
    "other": "Other (band not known)",
}
CLUSTERS = (("non_clinical", "Non-clinical"), ("clinical", "Clinical"))

INDICATOR_1_HEADERS = ("Staff group", "Band or grade", "White", "BME", "Unknown", "Total",
                       "White %", "BME %", "Unknown %", "Return breakdown")
INDICATORS_HEADERS = ("Indicator", "Title", "Breakdown", "White %", "White count", "White total", "BME %",
                      "BME count", "BME total", "Measure", "This year", "Last year", "95% CI lower",
                      "95% CI upper", "Assessment", "Four-fifths band", "Return breakdown")


class Figure(NamedTuple):
    """One ethnic group's numerator, denominator and value (percent units) in the return (a named tuple: the
    return workbooks read 154,000 of them nationally, each three times faster to make than a frozen dataclass)."""

    numerator: int
    denominator: int
    value: float | None


Figures = dict[tuple[int, str, str], Figure]  # (indicator, breakdown, ethnic_group) -> figure


@dataclass(frozen=True)
class ReturnData:
    """Everything the workbooks show, read from the warehouse once for all organisation-years."""

    years: list[dict]
    figures: dict[tuple[str, int], Figures]
    headlines: dict[tuple[str, int], list[dict]]
    bands: list[dict]
    titles: dict[int, str]
    quarantine: dict[str, list[tuple[str, int]]]
    quarantine_by_organisation: bool
    rejected_files: list[tuple[str, str, str | None]]


def write_return_workbooks(
    con: duckdb.DuckDBPyConnection, exports_dir: Path, live_dir: Path | None = None
) -> list[Path]:
    """Write the workbook of every reported organisation-year, remove those of years no longer reported, and
    return the paths written (sorted). With `live_dir`, a workbook whose figures did not change since the last
    release is linked from there (`lib/reuse.py`)."""
    folder = exports_dir / RETURNS_FOLDER
    remove_stale_temporaries_in_subfolders(folder)
    data = read_return_data(con)
    jobs = [(organisation_year_data(data, year), year, folder) for year in data.years]
    reuse = Reuse.open("return_workbooks", live_dir, exports_dir, [sys.modules[__name__], xlsx])
    written = write_changed(
        reuse, jobs, target_of=lambda job: workbook_path(folder, job[1]["organisation_code"], job[1]["wres_year"]),
        arguments_of=lambda job: job[:2], draw=lambda todo: draw_all(write_workbook, todo, WORKBOOKS_PER_WORKER),
    )
    remove_other_workbooks(folder, set(written))
    return sorted(written)


def organisation_year_data(data: ReturnData, year: dict) -> ReturnData:
    """What one organisation-year's workbook shows (`write_workbook` reads nothing else): its own figures and
    headlines, its quarantine counts (or everyone's, when the quarantine does not say whose), and what is the same
    for every workbook."""
    key = (year["organisation_code"], year["wres_year"])
    scope = year["organisation_code"] if data.quarantine_by_organisation else ""
    return replace(
        data,
        years=[year],
        figures={key: data.figures[key]} if key in data.figures else {},
        headlines={key: data.headlines[key]} if key in data.headlines else {},
        quarantine={scope: data.quarantine[scope]} if scope in data.quarantine else {},
    )


def workbook_path(folder: Path, organisation_code: str, wres_year: int) -> Path:
    """Where the workbook of one organisation-year goes, under the `returns` folder."""
    return folder / organisation_code / f"WRES_{organisation_code}_{wres_year}.xlsx"


def remove_stale_temporaries_in_subfolders(folder: Path) -> None:
    """Delete temporary files a killed run left in the organisation folders (not the return's own files)."""
    if folder.is_dir():
        for subfolder in folder.iterdir():
            if subfolder.is_dir():
                remove_stale_temporaries(subfolder)


def remove_other_workbooks(folder: Path, keep: set[Path]) -> None:
    """Delete workbooks of organisation-years this run did not write, and organisation folders left empty."""
    for stale in folder.glob("*/WRES_*.xlsx"):
        if stale not in keep:
            stale.unlink()
    for subfolder in folder.iterdir() if folder.is_dir() else []:
        if subfolder.is_dir() and not any(subfolder.iterdir()):
            subfolder.rmdir()


# Reading the warehouse -----------------------------------------------------------------------------------------


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Run a query; return its rows as dictionaries keyed by column name."""
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def read_return_data(con: duckdb.DuckDBPyConnection) -> ReturnData:
    """Read the organisation-years, the return, the headlines, the seeds and the data-quality tables."""
    figures: dict[tuple[str, int], Figures] = defaultdict(dict)
    for code, year, indicator, breakdown, group, numerator, denominator, value in con.execute(
        """select organisation_code, wres_year, indicator, breakdown, ethnic_group, numerator, denominator, value
           from marts.rpt_wres_return"""
    ).fetchall():
        figures[(code, year)][(indicator, breakdown, group)] = Figure(numerator, denominator, value)
    headlines: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in fetch_dicts(con, "select * from marts.rpt_wres_headline where indicator >= 2"):
        headlines[(row["organisation_code"], row["wres_year"])].append(row)
    by_organisation = quarantine_has_organisation(con)
    return ReturnData(
        years=fetch_dicts(con, "select * from marts.rpt_wres_organisation_years order by organisation_code, wres_year"),
        figures=figures,
        headlines={key: sorted(rows, key=headline_order) for key, rows in headlines.items()},
        bands=fetch_dicts(con, "select band, clinical_only from reference.indicator_1_bands order by sort_order"),
        titles=dict(con.execute("select indicator, title from reference.wres_indicators").fetchall()),
        quarantine=read_quarantine_counts(con, by_organisation),
        quarantine_by_organisation=by_organisation,
        rejected_files=con.execute(
            """select source, file_name, message from raw.load_log
               qualify row_number() over (partition by source, file_name order by loaded_at desc) = 1
                   and status = 'rejected'
               order by source, file_name"""
        ).fetchall(),
    )


def headline_order(row: dict) -> tuple[int, int]:
    """Indicators in number order, an indicator's breakdowns in `BREAKDOWN_LABELS` order."""
    return row["indicator"], list(BREAKDOWN_LABELS).index(row["breakdown"])


def quarantine_has_organisation(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether raw.quarantine records the organisation of each quarantined row."""
    return con.execute(
        """select count(*) from information_schema.columns
           where table_schema = 'raw' and table_name = 'quarantine' and column_name = 'organisation_code'"""
    ).fetchone()[0] > 0


def read_quarantine_counts(con: duckdb.DuckDBPyConnection, by_organisation: bool) -> dict[str, list[tuple[str, int]]]:
    """Quarantined rows (rejected files excluded) per source: keyed by organisation code when the quarantine
    records it, else under the key '' for all organisations together."""
    organisation = "coalesce(organisation_code, '')" if by_organisation else "''"
    counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for code, source, rows in con.execute(
        f"""select {organisation}, source, count(*) from raw.quarantine where line_number is not null
            group by all order by all"""
    ).fetchall():
        counts[code].append((source, rows))
    return counts


# Writing cells -------------------------------------------------------------------------------------------------


@functools.cache
def cell_style(font: Font, number_format: str = GENERAL, quote_prefix: bool = False) -> Style:
    """A cell's style. A workbook has a handful: each is built once, not once a cell (a thousand cells a sheet)."""
    return Style(font, number_format, quote_prefix=quote_prefix)


def write_text(sheet: Sheet, row: int, column: int, text: str, font: Font = PLAIN) -> None:
    """Write text as a plain string, never a formula: a text starting with =, +, - or @ keeps its characters,
    is stored as a string cell and is quote-prefixed, so that Excel shows it (and keeps it on editing) as text."""
    sheet.cells[row, column] = (text, cell_style(font, GENERAL, text.startswith(FORMULA_TRIGGERS)))


def write_value(sheet: Sheet, row: int, column: int, value: Value, number_format: str | None = None,
                font: Font = PLAIN) -> None:
    """Write one value: text through `write_text`, a number or date with its display format, None as empty."""
    if isinstance(value, str):
        write_text(sheet, row, column, value, font)
    elif value is None or not number_format:
        sheet.cells[row, column] = (value, cell_style(font))
    else:
        sheet.cells[row, column] = (value, cell_style(font, number_format))


def write_row(sheet: Sheet, row: int, cells: list[tuple[Value, str | None]], font: Font = PLAIN) -> None:
    """Write (value, number format) pairs from column A."""
    for column, (value, number_format) in enumerate(cells, start=1):
        write_value(sheet, row, column, value, number_format, font)


def start_sheet(sheet: Sheet, title: str, subtitle: str, headers: tuple[str, ...]) -> int:
    """Write the title row, the subtitle and the bold header row, freeze them; return the first data row."""
    write_text(sheet, 1, 1, title, TITLE_FONT)
    write_text(sheet, 2, 1, subtitle, ITALIC)
    for column, header in enumerate(headers, start=1):
        write_text(sheet, HEADER_ROW, column, header, BOLD)
    sheet.frozen_rows = HEADER_ROW
    return HEADER_ROW + 1


def display_length(value: Value, number_format: str) -> int:
    """About how many characters a cell shows in its number format."""
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return len("30 September 2024")
    if isinstance(value, int):
        return len(f"{value:,}")
    decimals = 2 if number_format == LIKELIHOOD_FORMAT else 1
    return len(f"{value:,.{decimals}f}") + (3 if number_format == POINTS_FORMAT else 1)


def fit_columns(sheet: Sheet) -> None:
    """Size each column to its widest cell below the title rows (at most MAX_COLUMN_WIDTH); wrap longer text."""
    widths: dict[int, int] = defaultdict(int)
    for (row, column), (value, style) in sheet.cells.items():
        if row < HEADER_ROW:
            continue
        length = display_length(value, style.number_format)
        if length > widths[column]:
            widths[column] = length
        if length > MAX_COLUMN_WIDTH:
            sheet.cells[row, column] = (value, style._replace(wrap=True))
    sheet.widths.update((column, min(width, MAX_COLUMN_WIDTH) + 3) for column, width in widths.items())


# The workbook --------------------------------------------------------------------------------------------------


def write_workbook(data: ReturnData, year: dict, folder: Path) -> Path:
    """Write one organisation-year's workbook atomically; return its path."""
    key = (year["organisation_code"], year["wres_year"])
    sheets = [Sheet("Cover"), Sheet("Indicator 1"), Sheet("Indicators 2-9")]
    cover, indicator_1, indicators = sheets
    fill_cover(cover, year, data)
    fill_indicator_1(indicator_1, year, data.figures.get(key, {}), data.bands, data.titles)
    fill_indicators(indicators, year, data.figures.get(key, {}), data.headlines.get(key, []), data.titles)
    for sheet in sheets:
        fit_columns(sheet)
    target = workbook_path(folder, *key)
    with atomic_path(target, sync=False) as temporary:  # staged: the release makes it durable (lib/release.py)
        xlsx.save(sheets, temporary)
    return target


def sheet_title(year: dict) -> str:
    """The title row of every sheet."""
    return f"WRES {year['wres_year']} return: {year['organisation_name'] or ''} ({year['organisation_code']})"


def long_date(day: dt.date) -> str:
    """A date as '31 March 2024'."""
    return f"{day.day} {day:%B %Y}"


def fill_cover(sheet: Sheet, year: dict, data: ReturnData) -> None:
    """The cover: the organisation-year's particulars, then the data-quality notes."""
    row = start_sheet(sheet, sheet_title(year), "Confidential: exact counts, not for publication",
                      ("Item", "Value"))
    particulars: list[tuple[str, Value, str | None]] = [
        ("Organisation code", year["organisation_code"], None),
        ("Organisation name", year["organisation_name"], None),
        ("Region", year["region"], None),
        ("Organisation type", year["organisation_type"], None),
        ("WRES year", year["wres_year"], None),
        ("Snapshot date (workforce on)", year["snapshot_date"], DATE_FORMAT),
        ("Event period", f"{long_date(year['period_start'])} to {long_date(year['period_end'])}", None),
        ("Staff survey year", year["survey_year"], None),
        ("Total headcount", year["headcount"], COUNT_FORMAT),
        ("White headcount", year["white_headcount"], COUNT_FORMAT),
        ("BME headcount", year["bme_headcount"], COUNT_FORMAT),
        ("Unknown ethnicity headcount", year["unknown_headcount"], COUNT_FORMAT),
        ("BME share of the workforce", year["pct_bme"], PERCENT_FORMAT),
        ("Ethnicity declaration rate", year["ethnicity_declaration_rate"], PERCENT_FORMAT),
    ]
    for label, value, number_format in particulars:
        write_text(sheet, row, 1, label)
        write_value(sheet, row, 2, value, number_format)
        row += 1
    row += 1
    write_text(sheet, row, 1, "Data quality", BOLD)
    notes = [("Quarantined rows", quarantine_note(year["organisation_code"], data))]
    notes += [("Rejected file", note) for note in rejected_file_notes(data.rejected_files)]
    notes += [("Coverage", note) for note in coverage_notes(year, data.figures.get(
        (year["organisation_code"], year["wres_year"]), {}))]
    for label, note in notes:
        row += 1
        write_text(sheet, row, 1, label)
        write_text(sheet, row, 2, note)


def quarantine_note(organisation_code: str, data: ReturnData) -> str:
    """How many rows were quarantined (for the organisation if the quarantine says, else for all), by source."""
    scope = organisation_code if data.quarantine_by_organisation else ""
    counts = data.quarantine.get(scope, [])
    whose = f"for {organisation_code}" if data.quarantine_by_organisation else "across all organisations"
    if not counts:
        return f"No rows quarantined {whose}."
    total = sum(rows for _, rows in counts)
    by_source = ", ".join(f"{source} {rows:,}" for source, rows in counts)
    return f"{total:,} rows quarantined {whose} ({by_source}); each row and its reason are in {QUARANTINE_EXPORT}."


def rejected_file_notes(rejected: list[tuple[str, str, str | None]]) -> list[str]:
    """One note per landing file rejected whole (the load log does not say whose it is), or 'none'."""
    if not rejected:
        return ["No landing file rejected."]
    return [f"{source}/{file_name}: {message or 'rejected'}" for source, file_name, message in rejected]


def coverage_notes(year: dict, figures: Figures) -> list[str]:
    """What the return lacks for this organisation-year, and why; or that every indicator is reported."""
    indicators = {indicator for indicator, _, _ in figures}
    notes = []
    if not indicators.issuperset(SURVEY_INDICATORS):
        notes.append(f"Indicators 5 to 8 are not reported: no staff survey respondents in {year['survey_year']} "
                     f"(or the survey question mapping does not cover {year['survey_year']}).")
    if 9 not in indicators:
        notes.append(f"Indicator 9 is not reported: no board member in post on {long_date(year['snapshot_date'])}.")
    if not year["is_previous_year_reported"]:
        notes.append(f"The rolling two-year indicator 3 is not reported: WRES year {year['wres_year'] - 1} is not "
                     f"reported (no staff-in-post snapshot dated 31 March {year['wres_year'] - 1}).")
    return notes or ["Every indicator is reported."]


def band_label(band: str) -> str:
    """'band_8a' -> 'Band 8a'; the other bands and grades from BAND_LABELS."""
    return BAND_LABELS.get(band, band.replace("band_", "Band "))


def indicator_1_cells(figures: Figures, breakdown: str) -> list[tuple[Value, str | None]]:
    """White, BME and Unknown counts, the total and the three row percentages of one indicator 1 row."""
    cells = [(figures[(1, breakdown, group)].numerator, COUNT_FORMAT) for group in GROUPS]
    cells.append((figures[(1, breakdown, GROUPS[0])].denominator, COUNT_FORMAT))
    return cells + [(figures[(1, breakdown, group)].value, PERCENT_FORMAT) for group in GROUPS]


def fill_indicator_1(sheet: Sheet, year: dict, figures: Figures, bands: list[dict],
                     titles: dict[int, str]) -> None:
    """Indicator 1: non-clinical then clinical rows by band in seed order, then the three totals."""
    row = start_sheet(sheet, sheet_title(year), f"Indicator 1: {titles.get(1, '')}", INDICATOR_1_HEADERS)
    for cluster, cluster_label in CLUSTERS:
        for band in bands:
            if band["clinical_only"] and cluster == "non_clinical":
                continue
            breakdown = f"{cluster}:{band['band']}"
            write_row(sheet, row, [(cluster_label, None), (band_label(band["band"]), None),
                                   *indicator_1_cells(figures, breakdown), (breakdown, None)])
            row += 1
    for breakdown, label in (*CLUSTERS, ("overall", "All staff")):
        write_row(sheet, row, [(label, None), ("Total", None), *indicator_1_cells(figures, breakdown),
                               (breakdown, None)], BOLD)
        row += 1


def group_cells(figures: Figures, indicator: int, breakdown: str, group: str) -> list[tuple[Value, str | None]]:
    """A group's percentage, count and total on the indicators 2-9 sheet (empty if the return lacks it)."""
    figure = figures.get((indicator, breakdown, group))
    if figure is None:
        return [(None, None)] * 3
    return [(figure.value, PERCENT_FORMAT), (figure.numerator, COUNT_FORMAT), (figure.denominator, COUNT_FORMAT)]


def fill_indicators(sheet: Sheet, year: dict, figures: Figures, headlines: list[dict],
                    titles: dict[int, str]) -> None:
    """Indicators 2-9: one row per headline (indicator and breakdown)."""
    row = start_sheet(sheet, sheet_title(year),
                      "Indicators 2 to 9: this year's figures, the measure this year and last year, its 95% "
                      "interval and assessment", INDICATORS_HEADERS)
    for headline in headlines:
        indicator, breakdown = headline["indicator"], headline["breakdown"]
        measure_format = MEASURE_FORMATS[headline["measure"]]
        write_row(sheet, row, [
            (indicator, None),
            (titles.get(indicator, ""), None),
            (BREAKDOWN_LABELS[breakdown], None),
            *group_cells(figures, indicator, breakdown, "White"),
            *group_cells(figures, indicator, breakdown, "BME"),
            (MEASURE_LABELS[indicator], None),
            (headline["value"], measure_format),
            (headline["previous_value"], measure_format),
            (headline["ci_lower"], measure_format),
            (headline["ci_upper"], measure_format),
            (headline["assessment"], None),
            (headline["four_fifths_band"], None),
            (breakdown, None),
        ])
        row += 1
