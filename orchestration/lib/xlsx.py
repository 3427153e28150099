"""A small writer of Excel workbooks (SpreadsheetML, `.xlsx`): just what the return and scorecard workbooks use.

A workbook is a list of `Sheet`s, each recording its cells as (row, column) -> (value, `Style`), its column widths,
how many top rows stay frozen and its `Highlight` rules (conditional formatting); `save` writes them as an OOXML
package. openpyxl wrote the workbooks before: an object per cell and an XML tree per part took 20 ms a return
workbook and 40 ms a scorecard, half in the cells and half in the serialisation, for 2,100 workbooks a national
build. Here a cell is a tuple and a sheet's XML one joined list of strings: 3 and 5 ms.

The package holds what Excel needs and nothing else: `[Content_Types].xml`, the relationships, `xl/workbook.xml`,
`xl/styles.xml` and a `xl/worksheets/sheetN.xml` per sheet. No document properties and no theme: both are
optional (Excel then uses its default theme), and leaving the creation time out keeps the bytes a function of the
content: the parts are written in a fixed order with a fixed timestamp, so the same sheets give the same file
(a release links unchanged workbooks, and the end-to-end tests compare two builds byte for byte).

Values: text, integers, floats, booleans and dates, or None (an empty cell, written only when it has a style).
Text is always a string cell, stored inline as openpyxl did, never a formula; `Style.quote_prefix` marks text that
Excel should keep as text when it is edited. Characters XML 1.0 cannot hold (control characters other than tab,
line feed and carriage return; lone surrogates; U+FFFE and U+FFFF) are dropped: openpyxl refused such text with an
error, which would stop a build over an invisible character. Text is cut to Excel's 32,767 characters a cell, as
openpyxl did, and a literal `_xHHHH_` is written as `_x005F_xHHHH_`, since Excel reads `_xHHHH_` as an escaped
character. A float is written in full (the shortest text that reads back as the same float; openpyxl cut it to
16 significant digits); one that is not finite has no Excel value, and its cell is left empty. A date is its serial
number (days since 30 December 1899, right from 1 March 1900 on), as Excel stores it: give it a date number
format, or Excel shows the number.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

Value = str | int | float | bool | dt.date | None

GENERAL = "General"
# The common built-in number formats, by the ids Excel fixes for them; any other format is declared in styles.xml
# with an id from 164.
BUILTIN_FORMATS = {GENERAL: 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
FIRST_CUSTOM_FORMAT = 164
MAX_TEXT_LENGTH = 32_767
MAX_SHEET_NAME = 31
EXCEL_EPOCH = dt.date(1899, 12, 30)
TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry
# Deflate's fastest level: on the workbooks' XML twice as fast as the default (6), for files 15% larger (still
# smaller than openpyxl's, which carried a theme).
COMPRESS_LEVEL = 1

ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ESCAPE_NEEDED = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
EXCEL_ESCAPE = re.compile("_x[0-9A-Fa-f]{4}_")
INVALID_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


class Font(NamedTuple):
    """A cell's font: Calibri, `size` points; `color` as six hex digits (RGB), None for automatic.

    Fonts and styles are named tuples, not frozen dataclasses: every cell's style is hashed (to find its cell
    format), and a tuple's hash and equality run in C, a dataclass's in Python (a fifth of a workbook's time)."""

    bold: bool = False
    italic: bool = False
    size: float = 11
    color: str | None = None


PLAIN = Font()


class Style(NamedTuple):
    """How a cell shows: its font, number format, whether long text wraps (aligned to the top, so that a wrapped
    cell reads from its first line like its neighbours) and whether it is quote-prefixed (kept as text on editing)."""

    font: Font = PLAIN
    number_format: str = GENERAL
    wrap: bool = False
    quote_prefix: bool = False


DEFAULT_STYLE = Style()
Cell = tuple[Value, Style]


@dataclass(frozen=True)
class Highlight:
    """Conditional formatting: the cells of `cells` (an A1 range, 'I4:I40') whose value is the text `equals` get a
    solid `fill` (six hex digits) and `font` (its bold, italic and colour; a conditional format keeps the size)."""

    cells: str
    equals: str
    fill: str
    font: Font


@dataclass
class Sheet:
    """One worksheet: its `name` (Excel allows 31 characters, none of []:*?/\\), its cells by (row, column) from
    (1, 1), its column widths in characters by column, how many top rows stay frozen, and its highlights."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    frozen_rows: int = 0
    highlights: list[Highlight] = field(default_factory=list)


def save(sheets: Sequence[Sheet], path: Path) -> None:
    """Write the sheets, in order, as an xlsx workbook at `path`."""
    check_sheet_names(sheets)
    styles = list(dict.fromkeys([DEFAULT_STYLE, *(style for sheet in sheets for _, style in sheet.cells.values())]))
    style_attributes = {style: f' s="{index}"' if index else "" for index, style in enumerate(styles)}
    highlights = list(dict.fromkeys((rule.fill, rule.font) for sheet in sheets for rule in sheet.highlights))
    highlight_ids = {highlight: index for index, highlight in enumerate(highlights)}
    parts = {
        "[Content_Types].xml": content_types_xml(len(sheets)),
        "_rels/.rels": package_relationships_xml(),
        "xl/workbook.xml": workbook_xml(sheets),
        "xl/_rels/workbook.xml.rels": workbook_relationships_xml(len(sheets)),
        "xl/styles.xml": styles_xml(styles, highlights),
    }
    for number, sheet in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{number}.xml"] = worksheet_xml(sheet, number == 1, style_attributes, highlight_ids)
    with zipfile.ZipFile(path, "w") as archive:
        for name, xml in parts.items():
            entry = zipfile.ZipInfo(name, TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, xml.encode("utf-8"), compresslevel=COMPRESS_LEVEL)


def check_sheet_names(sheets: Sequence[Sheet]) -> None:
    """Refuse names Excel would not open: empty, too long, with []:*?/\\, or the same as another but for case."""
    names = [sheet.name for sheet in sheets]
    for name in names:
        if not 0 < len(name) <= MAX_SHEET_NAME or INVALID_SHEET_NAME.search(name):
            raise ValueError(f"Excel does not allow the sheet name {name!r}")
    if len({name.casefold() for name in names}) < len(names):
        raise ValueError(f"Excel does not allow two sheets of the same name: {names}")


# The package -----------------------------------------------------------------------------------------------------


def content_types_xml(sheet_count: int) -> str:
    """The content type of every part: relationships and the workbook, styles and worksheets by name."""
    worksheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="{SPREADSHEETML}.worksheet+xml"/>'
        for number in range(1, sheet_count + 1))
    return (f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEETML}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{SPREADSHEETML}.styles+xml"/>'
            f'{worksheets}</Types>')


def package_relationships_xml() -> str:
    """The package's one relationship: its main part, the workbook."""
    return (f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')


def workbook_xml(sheets: Sequence[Sheet]) -> str:
    """The workbook: its sheets in order, each named and linked to its part (relationship rId<n>)."""
    entries = "".join(f'<sheet name="{attribute(sheet.name)}" sheetId="{number}" r:id="rId{number}"/>'
                      for number, sheet in enumerate(sheets, start=1))
    return (f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            f'<bookViews><workbookView/></bookViews><sheets>{entries}</sheets></workbook>')


def workbook_relationships_xml(sheet_count: int) -> str:
    """The workbook's parts: the worksheets (rId1 to rId<n>), then the styles."""
    worksheets = "".join(
        f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{number}.xml"/>'
        for number in range(1, sheet_count + 1))
    return (f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{worksheets}'
            f'<Relationship Id="rId{sheet_count + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
            '</Relationships>')


# Styles ------------------------------------------------------------------------------------------------------------


def styles_xml(styles: list[Style], highlights: list[tuple[str, Font]]) -> str:
    """The style sheet: the number formats and fonts the styles use, a cell format (xf) per style, in the order
    of `styles` (the default first: a cell's `s` attribute is its index), and a differential format per highlight
    (Excel paints a differential solid fill in its background colour, other readers in its foreground one: both
    are set). The two fills and the border are the ones Excel requires, unused."""
    formats = list(dict.fromkeys(style.number_format for style in styles
                                 if style.number_format not in BUILTIN_FORMATS))
    format_ids = BUILTIN_FORMATS | {code: FIRST_CUSTOM_FORMAT + index for index, code in enumerate(formats)}
    fonts = list(dict.fromkeys([PLAIN, *(style.font for style in styles)]))
    font_ids = {font: index for index, font in enumerate(fonts)}
    number_formats = "".join(f'<numFmt numFmtId="{format_ids[code]}" formatCode="{attribute(code)}"/>'
                             for code in formats)
    cell_formats = "".join(cell_format_xml(style, format_ids[style.number_format], font_ids[style.font])
                           for style in styles)
    differential = "".join(f"<dxf>{font_xml(font, differential=True)}<fill><patternFill patternType=\"solid\">"
                           f'<fgColor rgb="{argb(fill)}"/><bgColor rgb="{argb(fill)}"/></patternFill></fill></dxf>'
                           for fill, font in highlights)
    return (f'{DECLARATION}<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(formats)}">{number_formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(fonts)}">{"".join(font_xml(font) for font in fonts)}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(styles)}">{cell_formats}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            f'<dxfs count="{len(highlights)}">{differential}</dxfs></styleSheet>')


def cell_format_xml(style: Style, format_id: int, font_id: int) -> str:
    """One cell format (xf): its number format and font by id, its alignment and quote prefix."""
    applied = (' applyNumberFormat="1"' if format_id else "") + (' applyFont="1"' if font_id else "")
    if style.quote_prefix:
        applied += ' quotePrefix="1"'
    if not style.wrap:
        return f'<xf numFmtId="{format_id}" fontId="{font_id}" fillId="0" borderId="0" xfId="0"{applied}/>'
    return (f'<xf numFmtId="{format_id}" fontId="{font_id}" fillId="0" borderId="0" xfId="0"{applied}'
            ' applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>')


def font_xml(font: Font, differential: bool = False) -> str:
    """A font: a cell's in full (Calibri, its size); a differential format's only as far as it changes the cell's."""
    xml = ("<b/>" if font.bold else "") + ("<i/>" if font.italic else "")
    if not differential:
        xml += f'<sz val="{font.size:g}"/>'
    if font.color:
        xml += f'<color rgb="{argb(font.color)}"/>'
    if not differential:
        xml += '<name val="Calibri"/><family val="2"/>'
    return f"<font>{xml}</font>"


def argb(rgb: str) -> str:
    """An opaque colour as Excel writes it: 'C6EFCE' -> 'FFC6EFCE'."""
    return f"FF{rgb.upper()}"


# Worksheets --------------------------------------------------------------------------------------------------------


def worksheet_xml(sheet: Sheet, selected: bool, style_attributes: dict[Style, str],
                  highlight_ids: dict[tuple[str, Font], int]) -> str:
    """A worksheet: its used range, its view (the first sheet's tab selected; the frozen rows), its column widths,
    its rows in order and its highlights, in the order the schema requires. `style_attributes` gives each style's
    cell format as a cell's attribute (' s="3"'; '' for the default)."""
    parts = [f'{DECLARATION}<worksheet xmlns="{MAIN}"><dimension ref="{used_range(sheet)}"/>',
             sheet_view_xml(sheet.frozen_rows, selected)]
    if sheet.widths:
        parts.append("<cols>")
        parts += [f'<col min="{column}" max="{column}" width="{width:g}" customWidth="1"/>'
                  for column, width in sorted(sheet.widths.items())]
        parts.append("</cols>")
    parts.append("<sheetData>")
    open_row = 0
    for (row, column), (value, style) in sorted(sheet.cells.items()):
        style_attribute = style_attributes[style]
        if value is None and not style_attribute:
            continue  # an empty cell without a style is no cell at all
        if row != open_row:
            parts.append(f'</row><row r="{row}">' if open_row else f'<row r="{row}">')
            open_row = row
        parts.append(cell_xml(f'r="{column_letter(column)}{row}"{style_attribute}', value))
    parts.append("</row></sheetData>" if open_row else "</sheetData>")
    parts += conditional_formatting_xml(sheet.highlights, highlight_ids)
    parts.append("</worksheet>")
    return "".join(parts)


def used_range(sheet: Sheet) -> str:
    """The range of the sheet's cells, 'A1:Q40' ('A1' for an empty sheet)."""
    if not sheet.cells:
        return "A1"
    rows = [row for row, _ in sheet.cells]
    columns = [column for _, column in sheet.cells]
    return f"{column_letter(min(columns))}{min(rows)}:{column_letter(max(columns))}{max(rows)}"


def sheet_view_xml(frozen_rows: int, selected: bool) -> str:
    """The sheet's view: rows 1 to `frozen_rows` frozen above the scrolling pane, whose first cell is selected."""
    tab = ' tabSelected="1"' if selected else ""
    if not frozen_rows:
        return f'<sheetViews><sheetView{tab} workbookViewId="0"/></sheetViews>'
    first = f"A{frozen_rows + 1}"
    return (f'<sheetViews><sheetView{tab} workbookViewId="0">'
            f'<pane ySplit="{frozen_rows}" topLeftCell="{first}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="{first}" sqref="{first}"/></sheetView></sheetViews>')


def cell_xml(attributes: str, value: Value) -> str:
    """One cell, from its attributes (its reference and style): text inline, numbers and dates as numbers, None
    and a float that is not a number (NaN, infinite) empty."""
    if isinstance(value, str):
        return f'<c {attributes} t="inlineStr"><is>{text_xml(value)}</is></c>'
    if value is None:
        return f"<c {attributes}/>"
    if isinstance(value, bool):
        return f'<c {attributes} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f"<c {attributes}><v>{value}</v></c>"
    if isinstance(value, float):
        return f"<c {attributes}><v>{value!r}</v></c>" if math.isfinite(value) else f"<c {attributes}/>"
    if isinstance(value, dt.date):
        return f"<c {attributes}><v>{(value - EXCEL_EPOCH).days}</v></c>"
    raise TypeError(f"cannot write a {type(value).__name__} to a workbook (cell {attributes})")


@functools.lru_cache(maxsize=4096)
def text_xml(text: str) -> str:
    """Text as a <t> element: characters XML cannot hold dropped, cut to Excel's length, Excel's and XML's escapes,
    and leading or trailing spaces kept (xml:space). Cached: most texts recur, in every row (a rating rule, a
    standard) or in every workbook (the headers)."""
    if ESCAPE_NEEDED.search(text):
        text = EXCEL_ESCAPE.sub(r"_x005F\g<0>", ILLEGAL_CHARACTERS.sub("", text)[:MAX_TEXT_LENGTH])
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    else:
        text = text[:MAX_TEXT_LENGTH]
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


def attribute(text: str) -> str:
    """Text as an XML attribute value, between double quotes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def conditional_formatting_xml(highlights: list[Highlight], highlight_ids: dict[tuple[str, Font], int]) -> list[str]:
    """The highlights, grouped by range in the order first given, each a `cellIs equal` rule on a quoted text;
    priorities 1, 2, ... in order over the sheet (the first that matches wins)."""
    by_range: dict[str, list[tuple[int, Highlight]]] = {}
    for priority, rule in enumerate(highlights, start=1):
        by_range.setdefault(rule.cells, []).append((priority, rule))
    return [f'<conditionalFormatting sqref="{attribute(cells)}">'
            + "".join(f'<cfRule type="cellIs" dxfId="{highlight_ids[(rule.fill, rule.font)]}" priority="{priority}"'
                      f' operator="equal"><formula>{formula_text(rule.equals)}</formula></cfRule>'
                      for priority, rule in rules)
            + "</conditionalFormatting>"
            for cells, rules in by_range.items()]


def formula_text(text: str) -> str:
    """A text constant in a formula, XML-escaped: green -> "green" (a double quote doubled)."""
    quoted = '"' + text.replace('"', '""') + '"'
    return quoted.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.cache
def column_letter(column: int) -> str:
    """A column's letters: 1 -> 'A', 27 -> 'AA'."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
