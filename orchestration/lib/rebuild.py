"""What a dbt build recomputes: every organisation (a full refresh), or only those whose data changed.

The loader lists in `raw.pending_organisations` the organisations whose rows changed, by source ('*': all of
them, e.g. after a change of a validation rule). The dbt models that keep each organisation's rows apart are
incremental by organisation (`dbt_project/macros/rebuild_scope.sql`): they recompute the listed organisations
and keep the others' rows. That is only right while the models themselves are unchanged, so the build records a
fingerprint of the dbt project and makes a full refresh when it differs (or on the first build, or for '*').
After a successful build of every model the listed organisations are done and the list is emptied.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

ALL_ORGANISATIONS = "*"
STATE_DDL = """
create schema if not exists raw;
create table if not exists raw.dbt_build_state (
    fingerprint varchar not null,       -- of the dbt project the incremental tables were last built with
    built_at timestamp not null
);
"""


@dataclass(frozen=True)
class RebuildPlan:
    full_refresh: bool
    reason: str
    pending: tuple[tuple[str, str], ...]  # the (source, organisation) pairs listed when the build started

    @property
    def organisations(self) -> list[str]:
        return _organisations(self.pending)


def _organisations(pending: tuple[tuple[str, str], ...]) -> list[str]:
    return sorted({organisation for _source, organisation in pending})


def project_fingerprint(files: Iterable[Path], root: Path) -> str:
    """sha256 over the path (relative to `root`) and content of every file of the dbt project."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = ?", [name]
    ).fetchone()[0] > 0


def plan_rebuild(con: duckdb.DuckDBPyConnection, fingerprint: str, forced: bool = False) -> RebuildPlan:
    """A full refresh on the first build, after a change of the dbt project, when every organisation of a source
    changed, or when `forced`; else the listed organisations."""
    pending: tuple[tuple[str, str], ...] = ()
    if _has_table(con, "pending_organisations"):
        pending = tuple(con.execute(
            "select distinct source, organisation_code from raw.pending_organisations order by all"
        ).fetchall())
    built_with = None
    if _has_table(con, "dbt_build_state"):
        row = con.execute("select fingerprint from raw.dbt_build_state order by built_at desc limit 1").fetchone()
        built_with = row[0] if row else None
    if forced:
        return RebuildPlan(True, "a full refresh was asked for", pending)
    if built_with is None:
        return RebuildPlan(True, "first build of the dbt models", pending)
    if built_with != fingerprint:
        return RebuildPlan(True, "the dbt project changed since the last build", pending)
    if any(organisation == ALL_ORGANISATIONS for _source, organisation in pending):
        sources = sorted({source for source, organisation in pending if organisation == ALL_ORGANISATIONS})
        return RebuildPlan(True, "every organisation of " + ", ".join(sources) + " changed", pending)
    organisations = _organisations(pending)
    return RebuildPlan(False, f"{len(organisations)} organisation(s) changed: " + ", ".join(organisations), pending)


def finish_rebuild(con: duckdb.DuckDBPyConnection, plan: RebuildPlan, fingerprint: str) -> None:
    """After a successful build of every model: the listed organisations are built, with this project."""
    con.execute(STATE_DDL)
    con.execute("begin transaction")
    if plan.pending and _has_table(con, "pending_organisations"):
        con.execute(
            """
            delete from raw.pending_organisations
            using (select unnest(?::varchar[]) as source, unnest(?::varchar[]) as organisation_code) as built
            where pending_organisations.source = built.source
                and pending_organisations.organisation_code = built.organisation_code
            """,
            [[source for source, _ in plan.pending], [organisation for _, organisation in plan.pending]],
        )
    con.execute("delete from raw.dbt_build_state")
    con.execute("insert into raw.dbt_build_state values (?, current_timestamp)", [fingerprint])
    con.execute("commit")
