"""The return workbooks (`returns/<code>/WRES_<code>_<year>.xlsx`) as a person reads them: one per
organisation-year, every figure equal to the machine-readable return, real number formats, frozen bold headers,
and not a single formula."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.lib.workbook import (
    COUNT_FORMAT,
    HEADER_ROW,
    LIKELIHOOD_FORMAT,
    PERCENT_FORMAT,
    POINTS_FORMAT,
    write_return_workbooks,
    write_text,
    write_value,
)
from orchestration.lib.xlsx import Sheet, save
from tests.harness import ACCEPTANCE_KIT

LANDING = ACCEPTANCE_KIT / "landing"
SHEETS = ("Cover", "Indicator 1", "Indicators 2-9")
GROUPS = ("White", "BME", "Unknown")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LANDING.is_dir(), reason=f"the acceptance landing folder is not at {LANDING}"),
]


@pytest.fixture(scope="module")
def build(acceptance_build):
    return acceptance_build


@pytest.fixture(scope="module")
def return_rows(build) -> dict[tuple[str, int], dict[tuple[int, str, str], dict[str, str]]]:
    """returns/wres_return.csv by (organisation, year), then (indicator, breakdown, ethnic group)."""
    rows: dict = {}
    for row in build.csv_rows("returns/wres_return.csv"):
        if row["organisation_code"] == "ALL":  # the total of all organisations has no workbook
            continue
        key = (int(row["indicator"]), row["breakdown"], row["ethnic_group"])
        rows.setdefault((row["organisation_code"], int(row["wres_year"])), {})[key] = row
    return rows


@pytest.fixture(scope="module")
def headline_rows(build) -> dict[tuple[str, int], dict[tuple[int, str], dict[str, str]]]:
    """returns/wres_headline.csv of indicators 2-9 by (organisation, year), then (indicator, breakdown)."""
    rows: dict = {}
    for row in build.csv_rows("returns/wres_headline.csv"):
        if int(row["indicator"]) >= 2 and row["organisation_code"] != "ALL":
            key = (int(row["indicator"]), row["breakdown"])
            rows.setdefault((row["organisation_code"], int(row["wres_year"])), {})[key] = row
    return rows


@pytest.fixture(scope="module")
def workbooks(build, return_rows) -> dict[tuple[str, int], openpyxl.Workbook]:
    return {
        (code, year): openpyxl.load_workbook(workbook_file(build.exports, code, year))
        for code, year in return_rows
    }


def workbook_file(exports: Path, code: str, year: int) -> Path:
    return exports / "returns" / code / f"WRES_{code}_{year}.xlsx"


def table(sheet: Worksheet) -> list[dict[str, object]]:
    """The sheet's rows below its header row, as dictionaries keyed by header (cells, not values)."""
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


def same_number(expected: str, cell, kind: str) -> bool:
    """A CSV field against a cell: empty as empty, counts exactly, decimals to 1e-9 relative."""
    if expected == "":
        return cell.value is None
    if kind == "count":
        return cell.value == int(expected)
    return cell.value is not None and math.isclose(cell.value, float(expected), rel_tol=1e-9, abs_tol=0.0)


def check_cells(problems: list[str], where: str, checks: list[tuple[str, str, object, str, str | None]]) -> None:
    """Compare (column, expected, cell, kind, number format) tuples; a number's format only when it has one."""
    for column, expected, cell, kind, number_format in checks:
        if kind == "text":
            ok = cell.value == (expected or None)
        else:
            ok = same_number(expected, cell, kind)
        if not ok:
            problems.append(f"{where} {column}: expected {expected!r}, got {cell.value!r}")
        elif number_format and cell.value is not None and cell.number_format != number_format:
            problems.append(f"{where} {column}: format {cell.number_format!r}, expected {number_format!r}")


def test_number_formats_are_one_decimal_percent_and_two_decimal_likelihood():
    assert PERCENT_FORMAT == '0.0"%"'
    assert POINTS_FORMAT == '0.0" pp"'
    assert LIKELIHOOD_FORMAT == "0.00"


def test_every_organisation_year_has_its_workbook_and_no_other(build, return_rows):
    expected = {workbook_file(build.exports, code, year) for code, year in return_rows}
    assert set((build.exports / "returns").glob("*/*.xlsx")) == expected


def test_a_rerun_removes_workbooks_no_longer_reported_and_leftover_temporaries(build, tmp_path):
    stale = tmp_path / "returns" / "ZZZ" / "WRES_ZZZ_2020.xlsx"
    leftover = tmp_path / "returns" / "RHX" / ".tmp-0badf00d-WRES_RHX_2024.xlsx"
    for path in (stale, leftover):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"from an earlier run")
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        written = write_return_workbooks(con, tmp_path)
    assert sorted((tmp_path / "returns").glob("*/*")) == written
    assert not stale.parent.exists()


def test_sheets_have_a_title_and_frozen_bold_headers(workbooks):
    for key, workbook in workbooks.items():
        assert workbook.sheetnames == list(SHEETS), key
        for sheet in workbook.worksheets:
            assert sheet["A1"].value and sheet["A1"].font.b, (key, sheet.title)
            assert sheet.freeze_panes == f"A{HEADER_ROW + 1}", (key, sheet.title)
            headers = [cell for cell in sheet[HEADER_ROW] if cell.value is not None]
            assert headers and all(cell.font.b for cell in headers), (key, sheet.title)


def test_indicator_1_matches_the_return(build, workbooks, return_rows):
    bands = build.query("select band, clinical_only from reference.indicator_1_bands order by sort_order")
    order = [f"non_clinical:{band}" for band, clinical_only in bands if not clinical_only]
    order += [f"clinical:{band}" for band, _ in bands] + ["non_clinical", "clinical", "overall"]
    problems: list[str] = []
    for key, workbook in workbooks.items():
        rows = table(workbook["Indicator 1"])
        assert [row["Return breakdown"].value for row in rows] == order, key
        for row in rows:
            breakdown = row["Return breakdown"].value
            figures = {group: return_rows[key][(1, breakdown, group)] for group in GROUPS}
            checks = [(group, figures[group]["numerator"], row[group], "count", COUNT_FORMAT) for group in GROUPS]
            checks.append(("Total", figures["White"]["denominator"], row["Total"], "count", COUNT_FORMAT))
            checks += [(f"{group} %", figures[group]["value"], row[f"{group} %"], "decimal", PERCENT_FORMAT)
                       for group in GROUPS]
            check_cells(problems, f"{key} indicator 1 {breakdown}", checks)
    assert not problems, "\n".join(problems[:50])


def test_indicators_2_to_9_match_the_return_and_headline(workbooks, return_rows, headline_rows):
    problems: list[str] = []
    for key, workbook in workbooks.items():
        rows = table(workbook["Indicators 2-9"])
        on_sheet = [(row["Indicator"].value, row["Return breakdown"].value) for row in rows]
        assert sorted(on_sheet) == sorted(headline_rows[key]), key
        for row, (indicator, breakdown) in zip(rows, on_sheet):
            headline = headline_rows[key][(indicator, breakdown)]
            measure_format = LIKELIHOOD_FORMAT if headline["measure"] == "relative_likelihood" else POINTS_FORMAT
            checks = []
            for group in ("White", "BME"):
                figure = return_rows[key][(indicator, breakdown, group)]
                checks += [
                    (f"{group} %", figure["value"], row[f"{group} %"], "decimal", PERCENT_FORMAT),
                    (f"{group} count", figure["numerator"], row[f"{group} count"], "count", COUNT_FORMAT),
                    (f"{group} total", figure["denominator"], row[f"{group} total"], "count", COUNT_FORMAT),
                ]
            checks += [
                ("This year", headline["value"], row["This year"], "decimal", measure_format),
                ("Last year", headline["previous_value"], row["Last year"], "decimal", measure_format),
                ("95% CI lower", headline["ci_lower"], row["95% CI lower"], "decimal", measure_format),
                ("95% CI upper", headline["ci_upper"], row["95% CI upper"], "decimal", measure_format),
                ("Assessment", headline["assessment"], row["Assessment"], "text", None),
                ("Four-fifths band", headline["four_fifths_band"], row["Four-fifths band"], "text", None),
            ]
            check_cells(problems, f"{key} indicator {indicator} {breakdown}", checks)
    assert not problems, "\n".join(problems[:50])


def test_cover_names_what_is_not_reported(workbooks, return_rows):
    for (code, year), workbook in workbooks.items():
        cover = {row["Item"].value: row["Value"].value for row in table(workbook["Cover"]) if row["Item"].value}
        assert cover["Organisation code"] == code and cover["WRES year"] == year
        indicators = {indicator for indicator, _, _ in return_rows[(code, year)]}
        coverage = [row["Value"].value for row in table(workbook["Cover"]) if row["Item"].value == "Coverage"]
        rolling_missing = (code, year - 1) not in return_rows
        assert any("rolling two-year" in note for note in coverage) == rolling_missing, (code, year)
        assert any("Indicators 5 to 8" in note for note in coverage) == (not {5, 6, 7, 8} <= indicators)
        assert any("Indicator 9" in note for note in coverage) == (9 not in indicators)
        assert "quality/quarantine.csv" in cover["Quarantined rows"] or cover["Quarantined rows"].startswith("No ")


def test_no_cell_holds_a_formula(build, workbooks):
    for key, workbook in workbooks.items():
        for sheet in workbook.worksheets:
            formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
            assert not formulas, (key, sheet.title, formulas)
    for path in (build.exports / "returns").glob("*/*.xlsx"):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    xml = archive.read(name)
                    assert b"<f>" not in xml and b"<f " not in xml, (path.name, name)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path, text):
    sheet = Sheet("Sheet1")
    write_text(sheet, 1, 1, text)
    write_value(sheet, 2, 1, text)
    path = tmp_path / "injection.xlsx"
    save([sheet], path)
    for cell in openpyxl.load_workbook(path).active["A"]:
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
