"""The diversity scorecard workbooks (`scorecard/<code>/diversity_scorecard_<year>.xlsx`) as a board reads them,
from the shared build of the acceptance data: one per organisation-year of scorecard/diversity_scorecard.csv,
one sheet per aim, every figure equal to the CSV's, numbers formatted by unit, the rating column coloured by
conditional formatting, frozen bold headers, and not a single formula."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.lib.export_tables import DIVERSITY_SCORECARD, PAY_GAPS, PSED_PROFILE
from orchestration.lib.scorecard_workbook import (
    HEADERS,
    RATING_COLUMN,
    RATING_FILLS,
    SUPPRESSED_NOTE,
    UNIT_FORMATS,
    label,
    sheet_name,
    write_scorecard_workbooks,
)
from orchestration.lib.workbook import HEADER_ROW
from tests.harness import ACCEPTANCE_KIT

LANDING = ACCEPTANCE_KIT / "landing"
AIMS = ("inclusive_leadership", "representative_workforce", "inclusive_culture")
SHEETS = ("Inclusive leadership", "Representative workforce", "Inclusive culture")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LANDING.is_dir(), reason=f"the acceptance landing folder is not at {LANDING}"),
]


@pytest.fixture(scope="module")
def build(acceptance_build):
    return acceptance_build


@pytest.fixture(scope="module")
def scorecard_rows(build) -> dict[tuple[str, int], list[dict[str, str]]]:
    """scorecard/diversity_scorecard.csv by (organisation, year), in file order."""
    rows: dict = {}
    for row in build.csv_rows("scorecard/diversity_scorecard.csv"):
        rows.setdefault((row["organisation_code"], int(row["wres_year"])), []).append(row)
    assert rows, "the scorecard is empty"
    return rows


@pytest.fixture(scope="module")
def workbooks(build, scorecard_rows) -> dict[tuple[str, int], openpyxl.Workbook]:
    return {key: openpyxl.load_workbook(workbook_file(build.exports, *key)) for key in scorecard_rows}


def workbook_file(exports: Path, code: str, year: int) -> Path:
    return exports / "scorecard" / code / f"diversity_scorecard_{year}.xlsx"


def table(sheet: Worksheet) -> list[dict[str, object]]:
    """The sheet's rows below its header row, as dictionaries keyed by header (cells, not values)."""
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


def same_number(expected: str, cell) -> bool:
    if expected == "":
        return cell.value is None
    return cell.value is not None and math.isclose(cell.value, float(expected), rel_tol=1e-9, abs_tol=0.0)


def test_the_exports_have_their_columns(build):
    for export in (DIVERSITY_SCORECARD, PSED_PROFILE, PAY_GAPS):
        with open(build.exports / export.path("csv"), encoding="utf-8") as handle:
            assert handle.readline().strip().split(",") == list(export.columns), export.name
        assert (build.exports / export.path("parquet")).stat().st_size > 0


def test_every_organisation_year_has_its_workbook_and_no_other(build, scorecard_rows):
    expected = {workbook_file(build.exports, code, year) for code, year in scorecard_rows}
    assert set((build.exports / "scorecard").glob("*/*.xlsx")) == expected
    organisations = {code for code, _ in scorecard_rows}
    reported = {row["organisation_code"] for row in build.csv_rows("returns/wres_return.csv")} - {"ALL"}
    assert organisations == reported


def test_one_sheet_per_aim(workbooks):
    assert [sheet_name(aim) for aim in AIMS] == list(SHEETS)
    for key, workbook in workbooks.items():
        assert workbook.sheetnames == list(SHEETS), key


def test_every_figure_matches_the_scorecard_table(workbooks, scorecard_rows):
    problems: list[str] = []
    for key, rows in scorecard_rows.items():
        workbook = workbooks[key]
        for aim, sheet in zip(AIMS, SHEETS):
            expected = [row for row in rows if row["aim"] == aim]
            shown = table(workbook[sheet])
            if len(shown) != len(expected):
                problems.append(f"{key} {sheet}: {len(shown)} rows, expected {len(expected)}")
                continue
            for row, cells in zip(expected, shown):  # the same order: aim, measure order, group
                where = f"{key} {sheet} {row['measure']}:{row['group_name']}"
                texts = {
                    "EDS2 outcome": row["eds2_outcome"], "Measure": row["measure_title"], "Standard": row["standard"],
                    "Characteristic": label(row["characteristic"]), "Group": row["group_name"],
                    "Compared with": row["reference_group"], "Rating": row["rating"],
                    "Trend": row["trend_arrow"], "Direction": row["trend"], "Rating rule": row["rating_rule"],
                    "Based on": row["value_basis"], "Measure key": row["measure"],
                    "Note": SUPPRESSED_NOTE if row["suppressed"] == "true" else "",
                }
                for header, text in texts.items():
                    if cells[header].value != (text or None):
                        problems.append(f"{where} {header}: {cells[header].value!r}, expected {text!r}")
                number_format = UNIT_FORMATS[row["unit"]]
                for header, column in [("Value", "value"), ("Target", "target"), ("Last year", "previous_value"),
                                       ("Change", "change_from_previous")]:
                    cell = cells[header]
                    if not same_number(row[column], cell):
                        problems.append(f"{where} {header}: {cell.value!r}, expected {row[column]!r}")
                    elif cell.value is not None and cell.number_format != number_format:
                        problems.append(f"{where} {header}: format {cell.number_format!r}, expected {number_format!r}")
    assert not problems, "\n".join(problems[:40])


def test_the_scorecard_covers_every_rating_and_source(scorecard_rows):
    rows = [row for year_rows in scorecard_rows.values() for row in year_rows]
    assert {row["rating"] for row in rows} <= {"green", "amber", "red", "not rated"}
    assert {row["value_basis"] for row in rows} == {"published counts", "hourly pay"}
    assert {row["characteristic"] for row in rows} >= {"ethnicity", "disability", "sex", "age_group"}
    assert {row["aim"] for row in rows} == set(AIMS)
    assert any(row["value"] != "" for row in rows if row["measure"].startswith("mean_pay_gap"))


def test_the_rating_column_is_coloured(workbooks):
    column = openpyxl.utils.get_column_letter(RATING_COLUMN)
    assert HEADERS[RATING_COLUMN - 1] == "Rating"
    for key, workbook in workbooks.items():
        for sheet in workbook.worksheets:
            rules = {}
            for ranges in sheet.conditional_formatting:
                assert str(ranges.sqref).startswith(f"{column}{HEADER_ROW + 1}:{column}"), (key, sheet.title)
                for rule in ranges.rules:
                    rules[rule.formula[0].strip('"')] = rule.dxf.fill.fgColor.rgb[-6:]
            assert rules == {rating: fill for rating, (fill, _) in RATING_FILLS.items()}, (key, sheet.title, rules)


def test_headers_are_bold_and_frozen(workbooks):
    for key, workbook in workbooks.items():
        for sheet in workbook.worksheets:
            assert sheet.freeze_panes == f"A{HEADER_ROW + 1}", (key, sheet.title)
            assert [cell.value for cell in sheet[HEADER_ROW]] == list(HEADERS)
            assert all(cell.font.bold for cell in sheet[HEADER_ROW])
            assert str(key[1]) in sheet["A1"].value and key[0] in sheet["A1"].value


def test_no_cell_holds_a_formula(build, workbooks):
    for key, workbook in workbooks.items():
        for sheet in workbook.worksheets:
            formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
            assert not formulas, (key, sheet.title, formulas)
    for path in (build.exports / "scorecard").glob("*/*.xlsx"):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    xml = archive.read(name)
                    assert b"<f>" not in xml and b"<f " not in xml, (path.name, name)


def test_source_text_that_looks_like_a_formula_stays_text(build, tmp_path):
    """A group name from a source file (religion, sexual orientation and age band are free text) that starts
    like a formula is written as text, quote-prefixed."""
    with duckdb.connect(str(build.warehouse), read_only=True) as source:
        scorecard_frame = source.execute("select * from marts.rpt_diversity_scorecard limit 1").fetchdf()
        aims_frame = source.execute("select * from reference.scorecard_aims").fetchdf()
    scorecard_frame.loc[:, "group_name"] = '=HYPERLINK("http://x","y")'
    with duckdb.connect(str(tmp_path / "copy.duckdb")) as con:
        con.execute("create schema marts; create schema reference")
        con.execute("create table marts.rpt_diversity_scorecard as select * from scorecard_frame")
        con.execute("create table marts.dim_organisations as select organisation_code, 'Trust' as organisation_name "
                    "from scorecard_frame")
        con.execute("create table reference.scorecard_aims as select * from aims_frame")
        [path] = write_scorecard_workbooks(con, tmp_path / "exports")
    sheet = openpyxl.load_workbook(path)[sheet_name(scorecard_frame.loc[0, "aim"])]
    cell = table(sheet)[0]["Group"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x","y")', "s", True)
