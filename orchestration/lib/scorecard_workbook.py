"""The diversity scorecard as a board reads it: one Excel workbook per organisation and WRES year
(`spec/outputs.md` 5), `scorecard/<organisation_code>/diversity_scorecard_<year>.xlsx`.

One sheet per aim of seed `scorecard_aims`, in its order ("Inclusive leadership", "Representative workforce",
"Inclusive culture"), each holding the aim's measures of `marts.rpt_diversity_scorecard` in the seed's order:
the EDS2 outcome, the measure and the standard it comes from, the characteristic and group (and the group it is
compared with), this year's value, the target, the red/amber/green rating, last year's value, the change, the
trend arrow and whether that is an improvement, the rating rule and what the value is based on.

Formatting. Every number is the warehouse's full-precision value; the display format rounds it by the measure's
unit: relative likelihoods to two decimals, percentages and percentage points to one (held in percent units, as
in the return workbooks). The rating column carries conditional formatting: green, amber and red fills (and grey
for "not rated"), so a board sees the colours and a screen reader or a filter still reads the word. The title
rows and the header row are frozen. No cell holds a formula: text goes through `workbook.write_text`
(formula-safe, like the return workbooks). The sheets are saved with `lib/xlsx.py`, like the return workbooks.

Every figure is published (disclosure control is applied in the marts), so the workbooks are safe to publish.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import duckdb

from orchestration.lib import workbook as workbook_module
from orchestration.lib import xlsx
from orchestration.lib.pool import draw_all
from orchestration.lib.publish import atomic_path
from orchestration.lib.reuse import Reuse, write_changed
from orchestration.lib.workbook import (
    BOLD,
    HEADER_ROW,
    LIKELIHOOD_FORMAT,
    PERCENT_FORMAT,
    POINTS_FORMAT,
    WORKBOOKS_PER_WORKER,
    fetch_dicts,
    fit_columns,
    remove_stale_temporaries_in_subfolders,
    start_sheet,
    write_row,
    write_value,
)
from orchestration.lib.xlsx import Font, Highlight, Sheet, column_letter

SCORECARD_FOLDER = "scorecard"
SCORECARD_RELATION = "marts.rpt_diversity_scorecard"
ORGANISATIONS_RELATION = "marts.dim_organisations"
OWNED_PATTERNS = [f"{SCORECARD_FOLDER}/*/diversity_scorecard_*.xlsx"]

UNIT_FORMATS = {"ratio": LIKELIHOOD_FORMAT, "pp": POINTS_FORMAT, "pct": PERCENT_FORMAT}
HEADERS = ("EDS2 outcome", "Measure", "Standard", "Characteristic", "Group", "Compared with", "Value", "Target",
           "Rating", "Last year", "Change", "Trend", "Direction", "Rating rule", "Based on", "Note", "Measure key")
RATING_COLUMN = HEADERS.index("Rating") + 1
RATING_FILLS = {  # the rating word -> (fill colour, font colour)
    "green": ("C6EFCE", "006100"),
    "amber": ("FFEB9C", "9C5700"),
    "red": ("FFC7CE", "9C0006"),
    "not rated": ("EDEDED", "595959"),
}
SUPPRESSED_NOTE = "Withheld: too few people to publish"


def write_scorecard_workbooks(
    con: duckdb.DuckDBPyConnection, exports_dir: Path, live_dir: Path | None = None
) -> list[Path]:
    """Write the workbook of every organisation-year of the scorecard; return the paths written (sorted). With
    `live_dir`, a workbook whose rows did not change since the last release is linked from there (`lib/reuse.py`)."""
    folder = exports_dir / SCORECARD_FOLDER
    remove_stale_temporaries_in_subfolders(folder)
    rows: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in fetch_dicts(con, f"select * from {SCORECARD_RELATION} "
                                "order by organisation_code, wres_year, aim_order, sort_order, measure, group_name"):
        rows[(row["organisation_code"], row["wres_year"])].append(row)
    names = dict(con.execute(f"select organisation_code, organisation_name from {ORGANISATIONS_RELATION}").fetchall())
    aims = con.execute("select aim, title from reference.scorecard_aims order by sort_order").fetchall()
    jobs = [(code, year, names.get(code), aims, year_rows, folder) for (code, year), year_rows in rows.items()]
    reuse = Reuse.open("scorecard_workbooks", live_dir, exports_dir, [sys.modules[__name__], workbook_module, xlsx])
    written = write_changed(reuse, jobs, target_of=lambda job: workbook_path(folder, job[0], job[1]),
                            arguments_of=lambda job: job[:5],
                            draw=lambda todo: draw_all(write_workbook, todo, WORKBOOKS_PER_WORKER))
    return sorted(written)


def workbook_path(folder: Path, organisation_code: str, wres_year: int) -> Path:
    """Where the workbook of one organisation-year goes, under the `scorecard` folder."""
    return folder / organisation_code / f"diversity_scorecard_{wres_year}.xlsx"


def sheet_name(aim: str) -> str:
    """The sheet of an aim: 'representative_workforce' -> 'Representative workforce' (Excel allows 31 characters)."""
    return aim.replace("_", " ").capitalize()[:31]


def label(key: str | None) -> str | None:
    """A code as words: 'religion_or_belief' -> 'Religion or belief'."""
    return key.replace("_", " ").capitalize() if key else key


def write_workbook(code: str, year: int, name: str | None, aims: list[tuple[str, str]], rows: list[dict],
                   folder: Path) -> Path:
    """Write one organisation-year's workbook atomically; return its path."""
    by_aim: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_aim[row["aim"]].append(row)
    sheets = [Sheet(sheet_name(aim)) for aim, _ in aims]
    for sheet, (aim, title) in zip(sheets, aims):
        fill_aim(sheet, code, year, name, title, by_aim.get(aim, []))
        fit_columns(sheet)
    target = workbook_path(folder, code, year)
    with atomic_path(target, sync=False) as temporary:  # staged: the release makes it durable (lib/release.py)
        xlsx.save(sheets, temporary)
    return target


def fill_aim(sheet: Sheet, code: str, year: int, name: str | None, aim_title: str, rows: list[dict]) -> None:
    """One aim: a row per measure and group, the rating in bold, then conditional formatting on the rating
    column."""
    title = f"Diversity scorecard {year}: {name or ''} ({code})"
    subtitle = (f"{aim_title}. Published figures: counts from 1 to 7 withheld, other counts rounded to the "
                "nearest 5; rates, likelihoods and shares recomputed from the published counts.")
    row_number = start_sheet(sheet, title, subtitle, HEADERS)
    for row in rows:
        number_format = UNIT_FORMATS.get(row["unit"])
        write_row(sheet, row_number, [
            (row["eds2_outcome"], None),
            (row["measure_title"], None),
            (row["standard"], None),
            (label(row["characteristic"]), None),
            (row["group_name"], None),
            (row["reference_group"], None),
            (row["value"], number_format),
            (row["target"], number_format),
            (row["rating"], None),
            (row["previous_value"], number_format),
            (row["change_from_previous"], number_format),
            (row["trend_arrow"], None),
            (row["trend"], None),
            (row["rating_rule"], None),
            (row["value_basis"], None),
            (SUPPRESSED_NOTE if row["suppressed"] else None, None),
            (row["measure"], None),
        ])
        write_value(sheet, row_number, RATING_COLUMN, row["rating"], font=BOLD)
        row_number += 1
    add_rating_formatting(sheet, row_number - 1)


def add_rating_formatting(sheet: Sheet, last_row: int) -> None:
    """Colour the rating column by its word: green, amber, red, grey for not rated."""
    column = column_letter(RATING_COLUMN)
    cells = f"{column}{HEADER_ROW + 1}:{column}{max(last_row, HEADER_ROW + 1)}"
    sheet.highlights += [Highlight(cells, rating, fill, Font(bold=True, color=font))
                         for rating, (fill, font) in RATING_FILLS.items()]
