"""The outputs for analysts and BI tools (spec outputs.md section 6), on the shared acceptance build:

- `bi/wres.duckdb` holds every table of `BI_TABLES` with the warehouse's rows, and the dbt docs as comments;
- `bi/<table>.parquet` holds the same rows and types: it is the export table's own Parquet file;
- the Evidence source's YAML points by a relative path at the published file, and every `.sql` runs against it;
- the file is complete (no write-ahead log), read-only, opens read-only beside another reader, and a new
  release replaces it under a reader without disturbing that reader, while a new reader gets the new file;
- it holds no raw staff identifier, and its publication tables no small count.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.defs.dbt.project import MANIFEST
from orchestration.lib import export_tables
from orchestration.lib.bi import (
    BI_DATABASE,
    BI_FOLDER,
    BI_TABLES,
    DATABASE_MODE,
    EVIDENCE_CONNECTION,
    EVIDENCE_FOLDER,
    dbt_descriptions,
    owned_patterns,
    write_bi_outputs,
)
from orchestration.lib.contract import SOURCES
from orchestration.lib.release import declare_owned, release, staging_dir
from tests.harness import PROJECT_ROOT

pytestmark = pytest.mark.slow

BI_KINDS = {"publication", "trends", "benchmark", "scorecard"}  # the export folders whose tables BI tools get


@pytest.fixture(scope="module")
def build(acceptance_build):
    return acceptance_build


@pytest.fixture(scope="module")
def bi_file(build) -> Path:
    return build.exports / BI_DATABASE


def bi_rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_bi_list_holds_every_publication_trend_benchmark_and_scorecard_table():
    exported = {value.relation for value in vars(export_tables).values()
                if isinstance(value, export_tables.ExportTable) and value.folder in BI_KINDS}
    assert exported <= {table.relation for table in BI_TABLES}
    names = [table.name for table in BI_TABLES]
    assert len(set(names)) == len(names)
    assert {"publication_wres_return", "publication_wres_headline", "wres_trend", "wres_benchmark",
            "wres_national_summary"} <= set(names)


def test_bi_file_holds_every_table_with_the_warehouse_rows(build, bi_file):
    with duckdb.connect(str(bi_file), read_only=True) as con:
        tables = {name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert tables == {table.name for table in BI_TABLES}
        for table in BI_TABLES:
            relation = con.execute(f"select * from {table.name}")
            assert [d[0] for d in relation.description] == list(table.export.columns), table.name
            rows = relation.fetchall()
            assert rows, table.name
            assert rows == build.query(table.query()), table.name


def test_bi_file_carries_the_dbt_docs_as_comments(bi_file):
    docs = dbt_descriptions(MANIFEST)
    with duckdb.connect(str(bi_file), read_only=True) as con:
        table_comments = dict(con.execute("select table_name, comment from duckdb_tables()").fetchall())
        column_comments = {(t, c): comment for t, c, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns() where database_name = current_database()"
        ).fetchall()}
    for table in BI_TABLES:
        described = docs[table.relation]
        assert described.table and table_comments[table.name] == described.table, table.name
        for column in table.export.columns:
            assert column_comments[(table.name, column)] == described.columns[column], f"{table.name}.{column}"
    assert "disclosure control" in table_comments["publication_wres_return"]


def test_parquet_files_equal_the_tables(bi_file):
    folder = bi_file.parent
    assert sorted(p.name for p in folder.glob("*.parquet")) == sorted(f"{t.name}.parquet" for t in BI_TABLES)
    with duckdb.connect(str(bi_file), read_only=True) as con:
        for table in BI_TABLES:
            parquet = f"read_parquet('{folder / table.name}.parquet')"
            assert (con.execute(f"describe select * from {parquet}").fetchall()
                    == con.execute(f"describe select * from {table.name}").fetchall()), table.name
            assert (con.execute(f"select * from {parquet}").fetchall()
                    == con.execute(f"select * from {table.name}").fetchall()), table.name


def test_each_parquet_file_is_the_export_table_s_own(build, bi_file):
    """The build stages the export tables before the BI copy, which links each table's Parquet file instead of
    writing the same query again: one file under two names."""
    for table in BI_TABLES:
        exported = build.exports / table.export.path("parquet")
        assert os.path.samefile(bi_file.parent / f"{table.name}.parquet", exported), table.name


def test_evidence_source_points_at_the_published_file_and_every_query_runs(build, bi_file):
    connection_file = build.exports / EVIDENCE_CONNECTION
    connection = yaml.safe_load(connection_file.read_text(encoding="utf-8"))
    assert connection["type"] == "duckdb"
    filename = connection["options"]["filename"]
    assert not Path(filename).is_absolute()
    # Evidence's DuckDB connector opens path.join(<the source's folder>, filename)
    resolved = (connection_file.parent / filename).resolve()
    assert resolved == bi_file.resolve()
    queries = sorted((build.exports / EVIDENCE_FOLDER).glob("*.sql"))
    assert [q.stem for q in queries] == sorted(t.name for t in BI_TABLES)
    with duckdb.connect(str(resolved), read_only=True) as con:
        for query in queries:
            rows = con.execute(query.read_text(encoding="utf-8")).fetchall()
            assert rows and rows == con.execute(f"select * from {query.stem}").fetchall(), query.name


def test_bi_file_is_complete_and_read_only(bi_file):
    assert not bi_file.with_name(bi_file.name + ".wal").exists()
    assert not list(bi_file.parent.glob(".tmp-*"))
    if os.name == "posix":
        assert stat.S_IMODE(bi_file.stat().st_mode) == DATABASE_MODE
    if os.name == "posix" and os.geteuid() != 0:  # root ignores permission bits
        with pytest.raises(duckdb.Error):
            duckdb.connect(str(bi_file))


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = lambda: sorted(r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall())
rows = lambda: con.execute("select count(*) from publication_wres_return").fetchone()[0]
print(len(tables()), rows(), flush=True)
sys.stdin.readline()  # hold the file open until told to look again
print(len(tables()), rows(), flush=True)
"""


def test_a_reader_never_blocks_a_release_and_keeps_its_file(build, bi_file, tmp_path):
    """Another process holds the published file open read-only: a second reader still opens it; the next run's
    release replaces it underneath (no lock in the way) and removes the files of tables no longer listed; the
    holder goes on reading the file it opened, and a reader that opens the path afterwards reads the new file."""
    exports = tmp_path / "exports"
    live = exports / BI_DATABASE
    for folder in (BI_FOLDER, EVIDENCE_FOLDER):  # the live set of the last run
        shutil.copytree(build.exports / folder, exports / folder)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(live)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        before = holder.stdout.readline().split()
        assert before == [str(len(BI_TABLES)), before[1]] and int(before[1]) > 0
        assert len(bi_rows(live, "select table_name from duckdb_tables()")) == len(BI_TABLES)  # a second reader

        # The next run writes a BI file with one table only into its staging folder and releases it.
        with duckdb.connect() as con:
            con.execute(f"attach '{build.warehouse}' as warehouse (read_only)")
            con.execute("use warehouse")
            staged = write_bi_outputs(con, staging_dir(exports, "next-run"), MANIFEST, tables=BI_TABLES[:1])
        assert staging_dir(exports, "next-run") / BI_DATABASE in staged
        declare_owned(staging_dir(exports, "next-run"), "bi_warehouse", owned_patterns())  # as the asset does
        release(exports, "next-run")

        assert bi_rows(live, "select table_name from duckdb_tables()") == [(BI_TABLES[0].name,)]
        only = BI_TABLES[0].name  # the files of tables no longer in the list are gone
        assert sorted(p.name for p in (exports / BI_FOLDER).iterdir()) == sorted(["wres.duckdb", f"{only}.parquet"])
        assert sorted(p.name for p in (exports / EVIDENCE_FOLDER).iterdir()) == ["connection.yaml", f"{only}.sql"]
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().split() == before  # still the old file, whole
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert holder.returncode == 0


def test_bi_file_holds_no_raw_identifier_and_no_small_published_count(build, bi_file):
    identifiers: set[str] = set()
    for source in SOURCES:
        for column in source.personal_identifiers:
            identifiers |= {row[0] for row in build.query(
                f'select distinct "{column}" from raw.{source.name} where "{column}" is not null')}
    assert len(identifiers) > 1000
    with duckdb.connect(str(bi_file), read_only=True) as con:
        con.execute("create temp table identifiers (value varchar)")
        con.executemany("insert into identifiers values (?)", [[v] for v in identifiers])
        columns = con.execute("select table_name, column_name from duckdb_columns() "
                              "where database_name = current_database() and data_type = 'VARCHAR'").fetchall()
        assert columns
        leaks = [f"{t}.{c}" for t, c in columns
                 if con.execute(f'select count(*) from "{t}" where "{c}" in (select value from identifiers)')
                 .fetchone()[0]]
        assert not leaks
        small = con.execute(
            """select count(*) from publication_wres_return where organisation_code <> 'ALL'
               and (numerator between 1 and 7 or denominator between 1 and 7)""").fetchone()[0]
        assert small == 0


def test_every_example_query_of_the_analysts_guide_runs_against_the_published_file(bi_file):
    guide = (PROJECT_ROOT / "docs" / "analysts.md").read_text(encoding="utf-8")
    examples = guide.split("## One question per indicator", 1)[1].split("\n## ", 1)[0]
    sections = re.findall(r"^### Indicator (\d)\b.*?```sql\n(.*?)```", examples, re.MULTILINE | re.DOTALL)
    assert [int(number) for number, _ in sections] == list(range(1, 10))
    with duckdb.connect(str(bi_file), read_only=True) as con:
        for number, sql in sections:
            assert con.execute(sql).fetchall(), f"indicator {number}"
        for sql in re.findall(r"```sql\n(.*?)```", guide, re.DOTALL):  # the others too (not the CLI's dot commands)
            for statement in re.sub(r"^\..*$", "", sql, flags=re.MULTILINE).split(";"):
                if statement.strip():
                    con.execute(statement)


def test_bi_folder_holds_the_database_and_one_parquet_file_per_table(build):
    files = {p.name for p in (build.exports / BI_FOLDER).iterdir()}
    assert files == {"wres.duckdb", *(f"{t.name}.parquet" for t in BI_TABLES)}
