"""Special-category data stays where it belongs (spec domain.md, "Confidentiality"; issue: data protection):

- raw staff identifiers (employee, assignment, application, applicant, case, respondent and member
  identifiers) live only in the raw schema: no other table, no export holds one;
- no mart or export has a column that looks like a person's name, birth date or contact detail;
- exports are readable by their owner and group only;
- the build warns when the development pseudonymisation key is used.
"""

from __future__ import annotations

import csv
import os
import re
import stat

import duckdb
import openpyxl
import pytest

from orchestration.lib.contract import SOURCES

pytestmark = pytest.mark.slow

NAME_LIKE = re.compile(
    r"(first|last|sur|fore|full|given|family|middle|person|staff|employee)_?name|birth|^dob$|nhs_number|"
    r"national_insurance|^ni_number$|address|postcode|e_?mail|phone"
)


@pytest.fixture(scope="module")
def raw_identifiers(acceptance_build) -> set[str]:
    values: set[str] = set()
    for source in SOURCES:
        for column in source.personal_identifiers:
            rows = acceptance_build.query(f'select distinct "{column}" from raw.{source.name} where "{column}" is not null')
            values |= {row[0] for row in rows}
    assert len(values) > 1000  # the acceptance data has thousands of people and applications
    return values


def test_no_table_outside_raw_holds_a_raw_identifier(acceptance_build, raw_identifiers):
    with duckdb.connect(str(acceptance_build.warehouse), read_only=True) as con:
        con.execute("create temp table identifiers (value varchar)")
        con.executemany("insert into identifiers values (?)", [[v] for v in raw_identifiers])
        columns = con.execute(
            """
            select table_schema, table_name, column_name from information_schema.columns
            where table_schema not in ('raw', 'information_schema', 'pg_catalog') and data_type = 'VARCHAR'
                and table_catalog = current_database()
            """
        ).fetchall()
        assert columns
        leaks = [
            f"{schema}.{table}.{column}"
            for schema, table, column in columns
            if con.execute(
                f'select count(*) from "{schema}"."{table}" where "{column}" in (select value from identifiers)'
            ).fetchone()[0]
        ]
    assert not leaks, f"raw identifiers found in {leaks}"


def export_cells(path):
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        return rows[0], [cell for row in rows[1:] for cell in row]
    if path.suffix == ".parquet":
        with duckdb.connect() as con:
            relation = con.execute(f"select * from read_parquet('{path}')")
            header = [d[0] for d in relation.description]
            return header, [str(cell) for row in relation.fetchall() for cell in row]
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True)
        cells = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c]
        return [], cells
    return [], []


def test_no_export_holds_a_raw_identifier_or_a_name_like_column(acceptance_build, raw_identifiers):
    files = [p for p in acceptance_build.exports.rglob("*") if p.is_file()]
    assert any(p.suffix == ".xlsx" for p in files) and any(p.suffix == ".parquet" for p in files)
    for path in files:
        header, cells = export_cells(path)
        assert not [h for h in header if NAME_LIKE.search(h.lower())], path
        leaked = raw_identifiers.intersection(cells)
        assert not leaked, f"{path.relative_to(acceptance_build.exports)} holds raw identifiers: {sorted(leaked)[:5]}"


def test_no_mart_column_looks_like_personal_data(acceptance_build):
    rows = acceptance_build.query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('staging', 'intermediate', 'marts')"
    )
    assert not [r for r in rows if NAME_LIKE.search(r[2].lower())]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions only")
def test_exports_are_readable_by_owner_and_group_only(acceptance_build):
    for path in acceptance_build.exports.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path


def test_the_development_key_is_announced(acceptance_build):
    assert "WRES_PSEUDONYMISATION_KEY is not set" in acceptance_build.output
