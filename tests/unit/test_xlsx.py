"""The project's xlsx writer (`lib/xlsx.py`): workbooks written with it, read back with openpyxl (and as a zip of
XML parts), hold the values, formats, fonts, widths, frozen rows and highlights they were given."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from orchestration.lib.xlsx import (
    MAX_TEXT_LENGTH,
    Font,
    Highlight,
    Sheet,
    Style,
    column_letter,
    save,
)

PERCENT = '0.0"%"'
DATE = "d mmmm yyyy"


def saved(tmp_path: Path, *sheets: Sheet, name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    save(list(sheets), path)
    return path


def one_sheet(cells: dict[tuple[int, int], tuple[object, Style]], **attributes) -> Sheet:
    return Sheet("Data", dict(cells), **attributes)


def worksheet_xml(path: Path, number: int = 1) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def test_values_keep_their_types(tmp_path):
    path = saved(tmp_path, one_sheet({
        (1, 1): ("text", Style()),
        (1, 2): (42, Style()),
        (1, 3): (-0.1 + 0.3, Style()),
        (1, 4): (dt.date(2024, 3, 31), Style(number_format=DATE)),
        (1, 5): (True, Style()),
        (2, 1): (1234567890123, Style()),
        (2, 2): (1e-12, Style()),
    }))
    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[1]] == ["text", 42, -0.1 + 0.3, dt.datetime(2024, 3, 31), True]
    assert [cell.data_type for cell in sheet[1]] == ["s", "n", "n", "d", "b"]
    assert (sheet["A2"].value, sheet["B2"].value) == (1234567890123, 1e-12)
    read_only = openpyxl.load_workbook(path, read_only=True).active
    assert list(read_only.iter_rows(values_only=True)) == [
        ("text", 42, -0.1 + 0.3, dt.datetime(2024, 3, 31), True), (1234567890123, 1e-12, None, None, None)]


def test_a_date_is_its_excel_serial_number(tmp_path):
    path = saved(tmp_path, one_sheet({(1, 1): (dt.date(2024, 3, 31), Style(number_format=DATE))}))
    assert "<v>45382</v>" in worksheet_xml(path)


def test_an_empty_cell_is_written_only_with_a_style(tmp_path):
    path = saved(tmp_path, one_sheet({(1, 1): (None, Style()), (1, 2): (None, Style(Font(bold=True))),
                                      (2, 1): (float("nan"), Style())}))
    xml = worksheet_xml(path)
    assert 'r="A1"' not in xml and re.search(r'<c r="B1" s="\d+"/>', xml) and '<c r="A2"/>' in xml
    sheet = openpyxl.load_workbook(path).active
    assert sheet["B1"].font.b and sheet["B1"].value is None and sheet["A2"].value is None


def test_fonts(tmp_path):
    path = saved(tmp_path, one_sheet({
        (1, 1): ("title", Style(Font(bold=True, size=14))),
        (2, 1): ("subtitle", Style(Font(italic=True))),
        (3, 1): ("header", Style(Font(bold=True))),
        (3, 2): ("coloured", Style(Font(color="9C0006"))),
        (4, 1): ("plain", Style()),
    }))
    sheet = openpyxl.load_workbook(path).active
    assert (sheet["A1"].font.b, sheet["A1"].font.sz) == (True, 14)
    assert (sheet["A2"].font.i, sheet["A2"].font.b, sheet["A2"].font.sz) == (True, False, 11)
    assert (sheet["A3"].font.b, sheet["A3"].font.i) == (True, False)
    assert sheet["B3"].font.color.rgb == "FF9C0006"
    assert (sheet["A4"].font.b, sheet["A4"].font.i, sheet["A4"].font.name) == (False, False, "Calibri")


def test_number_formats(tmp_path):
    formats = [PERCENT, '0.0" pp"', "0.00", "#,##0", DATE, "General"]
    path = saved(tmp_path, one_sheet({(row, 1): (12.5 if row < 5 else dt.date(2024, 1, 2), Style(number_format=code))
                                      for row, code in enumerate(formats, start=1)}))
    sheet = openpyxl.load_workbook(path).active
    assert [sheet.cell(row, 1).number_format for row in range(1, len(formats) + 1)] == formats
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    custom = re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/>', styles)
    assert [int(number) for number, _ in custom] == [164, 165, 166]  # '0.00' and '#,##0' are Excel's own 2 and 3


def test_text_that_looks_like_a_formula_is_quote_prefixed_text(tmp_path):
    texts = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]
    path = saved(tmp_path, one_sheet({(row, 1): (text, Style(quote_prefix=True))
                                      for row, text in enumerate(texts, start=1)}))
    sheet = openpyxl.load_workbook(path).active
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in sheet["A"]] == [(t, "s", True) for t in texts]
    assert "<f>" not in worksheet_xml(path)


def test_wrapped_text_is_aligned_to_the_top(tmp_path):
    path = saved(tmp_path, one_sheet({(1, 1): ("a long note " * 10, Style(wrap=True)), (1, 2): ("short", Style())}))
    sheet = openpyxl.load_workbook(path).active
    assert (sheet["A1"].alignment.wrap_text, sheet["A1"].alignment.vertical) == (True, "top")
    assert not sheet["B1"].alignment.wrap_text


def test_column_widths_and_frozen_rows(tmp_path):
    frozen = one_sheet({(1, 1): ("a", Style()), (4, 30): (1, Style())}, widths={1: 23, 2: 9.5, 30: 6},
                       frozen_rows=3)
    plain = Sheet("Plain", {(1, 1): ("b", Style())})
    book = openpyxl.load_workbook(saved(tmp_path, frozen, plain))
    sheet = book["Data"]
    assert {letter: sheet.column_dimensions[letter].width for letter in ("A", "B", "AD")} == {
        "A": 23, "B": 9.5, "AD": 6}
    assert sheet.freeze_panes == "A4"
    assert book["Plain"].freeze_panes is None
    assert sheet.dimensions == "A1:AD4"


def test_highlights_are_conditional_formats_with_their_fill_and_font(tmp_path):
    rules = {"green": ("C6EFCE", "006100"), "amber": ("FFEB9C", "9C5700"), "not rated": ("EDEDED", "595959")}
    cells = {(row, 2): (word, Style()) for row, word in enumerate(rules, start=4)}
    highlights = [Highlight("B4:B6", word, fill, Font(bold=True, color=font)) for word, (fill, font) in rules.items()]
    first = one_sheet(cells, highlights=highlights)
    second = Sheet("Second", dict(cells), highlights=highlights[:1])
    book = openpyxl.load_workbook(saved(tmp_path, first, second))
    [ranges] = list(book["Data"].conditional_formatting)
    assert str(ranges.sqref) == "B4:B6"
    found = {rule.formula[0]: (rule.type, rule.operator, rule.priority, rule.dxf.fill.fill_type,
                               rule.dxf.fill.fgColor.rgb, rule.dxf.fill.bgColor.rgb, rule.dxf.font.b,
                               rule.dxf.font.color.rgb) for rule in ranges.rules}
    assert found == {f'"{word}"': ("cellIs", "equal", priority, "solid", f"FF{fill}", f"FF{fill}", True, f"FF{font}")
                     for priority, (word, (fill, font)) in enumerate(rules.items(), start=1)}
    [second_ranges] = list(book["Second"].conditional_formatting)
    assert [rule.dxf.fill.fgColor.rgb for rule in second_ranges.rules] == ["FFC6EFCE"]
    with zipfile.ZipFile(tmp_path / "book.xlsx") as archive:
        assert '<dxfs count="3">' in archive.read("xl/styles.xml").decode()  # one per fill and font, shared


def test_sheets_keep_their_names_and_order(tmp_path):
    names = ["Cover", "Indicator 1", "Indicators 2-9", "R&D <pay> \"gap\" 'Ł'"]
    book = openpyxl.load_workbook(saved(tmp_path, *(Sheet(name, {(1, 1): (name, Style())}) for name in names)))
    assert book.sheetnames == names
    assert [sheet["A1"].value for sheet in book.worksheets] == names


@pytest.mark.parametrize("names", [["a" * 32], [""], ["a/b"], ["[x]"], ["What?"], ["Same", "same"]])
def test_names_excel_refuses_are_refused(tmp_path, names):
    with pytest.raises(ValueError):
        save([Sheet(name) for name in names], tmp_path / "refused.xlsx")


def test_special_characters_are_escaped(tmp_path):
    texts = ['<a & b> "quoted" \'single\'', "Łódź – café ✓ 𝔘", "  spaces kept  ", "line one\nline two\r\nthree",
             "tab\there", "]]> and &amp;", "_x0041_ is not A"]
    path = saved(tmp_path, one_sheet({(row, 1): (text, Style()) for row, text in enumerate(texts, start=1)}))
    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet["A"]][:-1] == texts[:-1]
    assert "_x005F_x0041_ is not A" in worksheet_xml(path)  # Excel reads _x0041_ as "A"; _x005F_ is its "_"


def test_characters_xml_cannot_hold_are_dropped_and_text_is_cut_to_excel_length(tmp_path):
    path = saved(tmp_path, one_sheet({(1, 1): ("bell\x07 null\x00 escape\x1b \ufffe end", Style()),
                                      (2, 1): ("x" * (MAX_TEXT_LENGTH + 10), Style())}))
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "bell null escape  end"
    assert len(sheet["A2"].value) == MAX_TEXT_LENGTH


def test_other_values_are_refused(tmp_path):
    with pytest.raises(TypeError):
        save([one_sheet({(1, 1): (object(), Style())})], tmp_path / "refused.xlsx")


def test_the_same_content_gives_the_same_bytes(tmp_path):
    def book() -> list[Sheet]:
        cells = {(1, 1): ("title", Style(Font(bold=True, size=14))), (2, 2): (3.5, Style(number_format=PERCENT))}
        return [one_sheet(cells, widths={1: 12}, frozen_rows=1,
                          highlights=[Highlight("B2:B2", "x", "C6EFCE", Font(bold=True))]),
                Sheet("Other", {(1, 1): (dt.date(2024, 3, 31), Style(number_format=DATE))})]

    first, second = saved(tmp_path, *book(), name="first.xlsx"), saved(tmp_path, *book(), name="second.xlsx")
    assert first.read_bytes() == second.read_bytes()
    changed = book()
    changed[1].cells[1, 1] = (dt.date(2024, 4, 1), Style(number_format=DATE))
    assert saved(tmp_path, *changed, name="changed.xlsx").read_bytes() != first.read_bytes()


def test_the_package_is_complete_and_well_formed(tmp_path):
    path = saved(tmp_path, one_sheet({(1, 1): ("a", Style())}, frozen_rows=1, widths={1: 5},
                                     highlights=[Highlight("A1:A1", "a", "C6EFCE", Font(bold=True))]),
                 Sheet("Two", {(1, 1): (1, Style())}))
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        trees = {name: ElementTree.fromstring(archive.read(name)) for name in names}  # every part parses
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert names[0] == "[Content_Types].xml"
    content_types = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    overrides = {node.get("PartName") for node in trees["[Content_Types].xml"].iter(f"{content_types}Override")}
    defaults = {node.get("Extension") for node in trees["[Content_Types].xml"].iter(f"{content_types}Default")}
    assert all(f"/{name}" in overrides or name.rsplit(".", 1)[1] in defaults for name in names)
    assert overrides <= {f"/{name}" for name in names}
    relationship = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
    targets = {node.get("Target") for node in trees["_rels/.rels"].iter(relationship)}
    targets |= {f"xl/{node.get('Target')}" for node in trees["xl/_rels/workbook.xml.rels"].iter(relationship)}
    assert targets == set(names) - {"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels"}


@pytest.mark.parametrize(("column", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")])
def test_column_letters(column, letters):
    assert column_letter(column) == letters
