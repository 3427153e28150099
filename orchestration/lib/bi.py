"""What BI tools and analysts read (spec outputs.md section 6): never the pipeline's working database.

DuckDB allows one writer and no reader beside it across processes, so an analyst who opened the warehouse
would block the next run (and a run would lock the analyst out). Analysts get published copies instead, written
under the exports folder with the rest of a run's exports:

- `bi/wres.duckdb`: one DuckDB file holding every table of `BI_TABLES`, with the table and column descriptions
  of the dbt docs as `COMMENT ON TABLE` / `COMMENT ON COLUMN` (so `duckdb_tables()`, `duckdb_columns()` and a
  BI tool's catalogue show them);
- `bi/<table>.parquet`: the same tables as Parquet files (Excel and Power BI read them without a driver);
- `evidence/sources/wres/`: an Evidence source (`connection.yaml` of type duckdb, `filename` the relative path
  from that folder to `bi/wres.duckdb`, as Evidence's DuckDB connector joins it to the source's folder) and one
  `<table>.sql` per table.

Publishing. The DuckDB file is built as a new file in the run's staging folder: the warehouse connection
ATTACHes it (a second database in the same DuckDB instance), creates each table from the warehouse relation,
adds the comments, CHECKPOINTs it (no write-ahead log left beside it) and DETACHes it, which closes it; then the
finished file is renamed into place in the staging folder and the release moves it over the live one
(`os.replace`). A reader that had the old file open keeps reading the old file (its inode lives until closed);
a reader that opens the path afterwards gets the new one; nobody ever sees a half-built file, and no reader can
block a run. The file is made read-only (0440), so a tool that tries to open it read-write fails at once instead
of taking a write lock that would shut every other reader out.

The table list is data. A table joins the BI set (the DuckDB file, its Parquet file and its Evidence query) by
appending one `BiTable` to `BI_TABLES`, naming the export table it is built from.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.lib.export_tables import (
    DIVERSITY_SCORECARD,
    PAY_GAPS,
    PSED_PROFILE,
    PUBLICATION_HEADLINE,
    PUBLICATION_RETURN,
    WRES_BENCHMARK,
    WRES_NATIONAL_SUMMARY,
    WRES_TREND,
    ExportTable,
)
from orchestration.lib.publish import atomic_path, make_folder, remove_stale_temporaries, write_parquet, write_text
from orchestration.lib.reuse import link_or_copy

BI_FOLDER = "bi"
BI_DATABASE = f"{BI_FOLDER}/wres.duckdb"
EVIDENCE_SOURCE = "wres"
EVIDENCE_FOLDER = f"evidence/sources/{EVIDENCE_SOURCE}"
EVIDENCE_CONNECTION = f"{EVIDENCE_FOLDER}/connection.yaml"
DATABASE_MODE = 0o440  # read-only for the owner and the group
STORAGE_VERSION = "v1.0.0"  # the oldest DuckDB file format with what we need: any DuckDB 1.x tool opens the file


@dataclass(frozen=True)
class BiTable:
    """One table for BI tools: its name in `bi/wres.duckdb` (also the stem of its Parquet file and Evidence
    query) and the export table it is built from (warehouse relation, columns, order)."""

    name: str
    export: ExportTable

    @property
    def relation(self) -> str:
        return self.export.relation

    def query(self) -> str:
        """The same rows, columns and order as the table's own export."""
        return self.export.query()


# Every publication, trend, benchmark and scorecard table.
BI_TABLES: tuple[BiTable, ...] = (
    BiTable("publication_wres_return", PUBLICATION_RETURN),
    BiTable("publication_wres_headline", PUBLICATION_HEADLINE),
    BiTable("wres_trend", WRES_TREND),
    BiTable("wres_benchmark", WRES_BENCHMARK),
    BiTable("wres_national_summary", WRES_NATIONAL_SUMMARY),
    BiTable("diversity_scorecard", DIVERSITY_SCORECARD),
    BiTable("psed_profile", PSED_PROFILE),
    BiTable("pay_gaps", PAY_GAPS),
)


def owned_patterns() -> list[str]:
    """The live files the BI asset owns (globs relative to the exports folder): a table dropped from
    `BI_TABLES` loses its Parquet file and Evidence query at the next release."""
    return [BI_DATABASE, f"{BI_FOLDER}/*.parquet", f"{EVIDENCE_FOLDER}/*.sql", EVIDENCE_CONNECTION]


# The dbt docs ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Descriptions:
    """A relation's description and its columns' descriptions, from the dbt docs."""

    table: str = ""
    columns: dict[str, str] = field(default_factory=dict)


def dbt_descriptions(manifest: Path) -> dict[str, Descriptions]:
    """The descriptions of every dbt model and seed in `manifest` (dbt's manifest.json), keyed by relation
    `schema.name` (the relation's alias), with whitespace collapsed (YAML folded text keeps a final newline)."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return {
        f"{node['schema']}.{node.get('alias') or node['name']}": Descriptions(
            table=tidy(node.get("description", "")),
            columns={name: tidy(column.get("description", "")) for name, column in node.get("columns", {}).items()
                     if tidy(column.get("description", ""))},
        )
        for node in nodes
        if node.get("resource_type") in ("model", "seed", "snapshot")
    }


def tidy(text: str) -> str:
    return " ".join(text.split())


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# Writing --------------------------------------------------------------------------------------------------------


def write_bi_outputs(con: duckdb.DuckDBPyConnection, folder: Path, manifest: Path,
                     tables: tuple[BiTable, ...] = BI_TABLES, staged_exports: Path | None = None) -> list[Path]:
    """Write the BI DuckDB file, the Parquet files and the Evidence source under `folder` (a run's staging
    folder, or any exports folder); return the paths written, sorted.

    `con` is a connection in which the warehouse's relations resolve and a new file can be attached for writing:
    the pipeline's own warehouse connection, or an in-memory one with the warehouse attached read-only and made
    the default (`attach ... (read_only); use ...`). `staged_exports`: the folder where the same run staged the
    export tables themselves (its staging folder); a table's Parquet file found there is the same query written
    the same way, so it is linked rather than written again (docs/performance.md, item 73)."""
    descriptions = dbt_descriptions(manifest) if manifest.exists() else {}
    remove_stale_temporaries(folder / BI_FOLDER)
    remove_stale_temporaries(folder / EVIDENCE_FOLDER)
    written = [write_bi_database(con, folder / BI_DATABASE, tables, descriptions)]
    for table in tables:
        target = folder / BI_FOLDER / f"{table.name}.parquet"
        staged = staged_exports / table.export.path("parquet") if staged_exports else None
        if staged is not None and "parquet" in table.export.formats and staged.is_file():
            link_or_copy(staged, target)
        else:
            write_parquet(con, table.query(), target)
        written.append(target)
    written += write_evidence_source(folder, tables)
    return sorted(written)


def write_bi_database(con: duckdb.DuckDBPyConnection, target: Path, tables: tuple[BiTable, ...],
                      descriptions: dict[str, Descriptions]) -> Path:
    """Build a new DuckDB file holding `tables` with their dbt descriptions as comments, beside `target`, and
    rename it over `target` once it is complete, checkpointed and closed."""
    alias = f"bi_{uuid.uuid4().hex[:8]}"
    with atomic_path(target) as temporary:
        con.execute(f"attach {sql_string(str(temporary))} as {alias} (storage_version '{STORAGE_VERSION}')")
        try:
            for table in tables:
                qualified = f"{alias}.main.{identifier(table.name)}"
                con.execute(f"create table {qualified} as {table.query()}")
                for statement in comment_statements(qualified, descriptions.get(table.relation), table):
                    con.execute(statement)
            con.execute(f"checkpoint {alias}")
        finally:
            con.execute(f"detach {alias}")
        wal = temporary.with_name(temporary.name + ".wal")
        if wal.exists():  # nothing should be left after the checkpoint; never publish a file that needs one
            raise RuntimeError(f"{wal} was left after the checkpoint")
    if os.name == "posix":
        os.chmod(target, DATABASE_MODE)
    return target


def comment_statements(qualified: str, docs: Descriptions | None, table: BiTable) -> list[str]:
    """COMMENT ON statements for a table and its documented columns (a column without a description has none)."""
    if docs is None:
        return []
    statements = []
    if docs.table:
        statements.append(f"comment on table {qualified} is {sql_string(docs.table)}")
    for column in table.export.columns:
        if column in docs.columns:
            description = sql_string(docs.columns[column])
            statements.append(f"comment on column {qualified}.{identifier(column)} is {description}")
    return statements


def evidence_connection_yaml(folder: Path) -> str:
    """Evidence's connection.yaml for the source folder `folder`: its DuckDB connector opens
    `path.join(<source folder>, filename)` read-only, so `filename` is relative to the source's own folder."""
    relative = Path(os.path.relpath(folder / BI_DATABASE, folder / EVIDENCE_FOLDER)).as_posix()
    return (
        "# An Evidence source over the published, read-only BI copy of the WRES warehouse (docs/analysts.md).\n"
        "# filename is relative to this folder, as Evidence resolves it.\n"
        f"name: {EVIDENCE_SOURCE}\n"
        "type: duckdb\n"
        "options:\n"
        f"  filename: {relative}\n"
    )


def evidence_query(table: BiTable) -> str:
    return f"select * from {table.name}\n"


def write_evidence_source(folder: Path, tables: tuple[BiTable, ...]) -> list[Path]:
    """Write `connection.yaml` and one `<table>.sql` per table under `folder`/evidence/sources/wres."""
    source = folder / EVIDENCE_FOLDER
    make_folder(source)
    files = {source / "connection.yaml": evidence_connection_yaml(folder)}
    files |= {source / f"{table.name}.sql": evidence_query(table) for table in tables}
    for target, text in files.items():
        write_text(target, text)
    return sorted(files)

