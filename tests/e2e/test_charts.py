"""The publication trend charts (`publication/charts/<code>_wres_trend.png`): one valid PNG per organisation,
drawn from the disclosure-controlled publication tables only, byte-for-byte reproducible."""

from __future__ import annotations

import re
import struct

import duckdb
import pytest

from orchestration.lib.charts import (
    CHART_SUFFIX,
    CHARTS_FOLDER,
    DPI,
    FIGURE_SIZE,
    NAMES_RELATION,
    PUBLICATION_RELATIONS,
    write_trend_charts,
)
from tests.harness import ACCEPTANCE_KIT

LANDING = ACCEPTANCE_KIT / "landing"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RELATION = re.compile(r"\b(?:from|join)\s+([A-Za-z_]\w*\.[A-Za-z_]\w*)", re.IGNORECASE)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LANDING.is_dir(), reason=f"the acceptance landing folder is not at {LANDING}"),
]


class RecordingConnection:
    """A DuckDB connection that remembers every statement it runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str, params: list | None = None) -> duckdb.DuckDBPyConnection:
        self.statements.append(sql)
        return self.con.execute(sql, params or [])


@pytest.fixture(scope="module")
def build(acceptance_build):
    return acceptance_build


def published_organisations(build) -> set[str]:
    return {row["organisation_code"] for row in build.csv_rows("publication/wres_return.csv")} - {"ALL"}


def test_one_png_per_organisation(build):
    charts = sorted((build.exports / CHARTS_FOLDER).iterdir())
    expected = [f"{code}{CHART_SUFFIX}" for code in sorted(published_organisations(build))]
    assert [path.name for path in charts] == expected
    for path in charts:
        data = path.read_bytes()
        assert data[:8] == PNG_SIGNATURE, path.name
        width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
        assert (width, height) == (round(FIGURE_SIZE[0] * DPI), round(FIGURE_SIZE[1] * DPI)), path.name
        assert 20_000 < len(data) < 2_000_000, path.name
        assert b"tIME" not in data and b"Software" not in data, path.name


def test_charts_read_only_publication_tables_and_are_reproducible(build, tmp_path):
    assert PUBLICATION_RELATIONS == ("marts.rpt_publication_wres_headline", "marts.rpt_publication_wres_return")
    stale = tmp_path / CHARTS_FOLDER / f"ZZZ{CHART_SUFFIX}"  # an organisation no longer published
    stale.parent.mkdir(parents=True)
    stale.write_bytes(PNG_SIGNATURE)
    with duckdb.connect(str(build.warehouse), read_only=True) as con:
        recording = RecordingConnection(con)
        written = write_trend_charts(recording, tmp_path)
    assert sorted((tmp_path / CHARTS_FOLDER).iterdir()) == written
    relations = {name.lower() for sql in recording.statements for name in RELATION.findall(sql)}
    assert relations == {*PUBLICATION_RELATIONS, NAMES_RELATION}
    assert [path.name for path in written] == sorted(path.name for path in (build.exports / CHARTS_FOLDER).iterdir())
    for path in written:  # the same warehouse gives the same bytes: nothing in the PNG depends on the run
        assert path.read_bytes() == (build.exports / CHARTS_FOLDER / path.name).read_bytes(), path.name
