"""Keyed pseudonyms of staff identifiers (HMAC-SHA256), so that nothing outside the raw schema holds them.

For each source with personal identifiers (contract `personal_identifiers`: employee, assignment, application,
applicant, case, respondent and member identifiers), `raw.<source>_pseudonyms` maps every raw value to its
pseudonym: the first 64 bits of `HMAC-SHA256(key, value)`, as an unsigned 64-bit integer (`ubigint`). Staging
models replace each identifier by its pseudonym through this table, so marts, exports and BI files never see a
raw identifier, while the same employee number still joins across staff in post, employee relations and training.

The pseudonym is an integer, not the 64 hexadecimal characters of the whole HMAC, because every intermediate
table keys its rows by it: an 8-byte integer is written, joined, grouped and sorted several times faster than a
64-character string (docs/performance.md, item 35). 64 bits keep two identifiers apart: a load stops with an
error if a new pseudonym equals that of another identifier in any source's mapping (for a few million
identifiers the chance is about one in a million; another key would then separate them).

The key comes from `WRES_PSEUDONYMISATION_KEY` (settings). DuckDB computes the HMAC from the key's inner and
outer pads, passed as bound parameters: the key never appears in SQL text, dbt files or logs. Only values not
yet mapped are hashed, and only the rows of the organisations a load changed are read for them, so a run
costs in proportion to what is new. A different key, or a different scheme
(detected by a SHA-256 of both, stored beside the mapping), rebuilds the mapping, and every organisation of the
source is noted for dbt to rebuild, so that no table keeps a pseudonym of the old key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

import duckdb

from orchestration.lib.contract import SOURCES, Source
from orchestration.lib.loader import note_pending

BLOCK_SIZE = 64  # SHA-256's block size, in bytes
# Names the pseudonym's derivation; part of the key fingerprint, so a change of it rebuilds every mapping.
SCHEME = "hmac-sha256, first 64 bits, ubigint"

# The HMAC in hex, and its first 16 hex digits (64 bits) as an unsigned integer.
HMAC_SQL = "sha256(unhex($opad) || unhex(sha256(unhex($ipad) || encode(value))))"
PSEUDONYM_SQL = f"('0x' || left({HMAC_SQL}, 16))::ubigint"
# No primary key: each value is inserted once by construction (the distinct values not yet mapped), and DuckDB's
# index on 2.3 million staff-in-post values took 2.9 s of the 8 s the national mapping took to build.
MAPPING_COLUMNS = "(value varchar not null, pseudonym ubigint not null)"


class PseudonymCollision(RuntimeError):
    """Two different identifiers were given the same pseudonym."""


def hmac_pads(key: str) -> tuple[str, str]:
    """The inner and outer pads of HMAC-SHA256 (RFC 2104) for `key`, in hex."""
    raw = key.encode("utf-8")
    if len(raw) > BLOCK_SIZE:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(BLOCK_SIZE, b"\x00")
    return bytes(b ^ 0x36 for b in raw).hex(), bytes(b ^ 0x5C for b in raw).hex()


def key_fingerprint(key: str) -> str:
    return hashlib.sha256(f"wres-pseudonymisation-key|{SCHEME}|{key}".encode("utf-8")).hexdigest()


def mapping_table(source: Source) -> str:
    return f"raw.{source.name}_pseudonyms"


def _mapping_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The pseudonym mappings that exist, of every source with personal identifiers."""
    existing = {
        row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw' and database_name = current_database()"
        ).fetchall()
    }
    return [mapping_table(s) for s in SOURCES if s.personal_identifiers and f"{s.name}_pseudonyms" in existing]


def _collisions(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Pseudonyms of `_wres_new_pseudonyms` that another identifier has: in it (its values are distinct), or in
    any source's mapping (where the same identifier, from another source, has the same pseudonym). Joined to the
    mappings as they are, not to their union without repeats, which grouped every mapped identifier: 1.3 to 1.5 s
    for a national source, 0.8 to 1.1 s for a few new identifiers (docs/performance.md, item 70)."""
    known = " union all ".join(f"select value, pseudonym from {table}" for table in _mapping_tables(con))
    return [
        row[0] for row in con.execute(
            f"""
            select pseudonym from _wres_new_pseudonyms group by pseudonym having count(*) > 1
            union all
            select new.pseudonym
            from _wres_new_pseudonyms as new
            inner join ({known}) as known on known.pseudonym = new.pseudonym and known.value <> new.value
            limit 5
            """
        ).fetchall()
    ]


def update_pseudonyms(con: duckdb.DuckDBPyConnection, source: Source, key: str,
                      organisations: Collection[str] | None = None) -> int:
    """Bring `raw.<source>_pseudonyms` up to date with the source's raw table; return how many values were new.
    A new value can only be in the rows the load changed, those of `organisations` (None: every row; none: the
    raw table is not read, only a change of key is looked for). A new key maps every row's values again."""
    if not source.personal_identifiers:
        return 0
    table = mapping_table(source)
    fingerprint = key_fingerprint(key)
    con.execute("create table if not exists raw.pseudonym_keys (source varchar primary key, key_sha256 varchar)")
    known = con.execute("select key_sha256 from raw.pseudonym_keys where source = ?", [source.name]).fetchone()
    new_key = known is None or known[0] != fingerprint
    if organisations is not None and not organisations and not new_key:
        return 0
    # The rows of the organisations changed (a national incremental load: 0.1 s, against 1.7 s for every row).
    scope = ("" if new_key or organisations is None
             else "organisation_code in (select unnest($organisations::varchar[])) and ")
    values = " union ".join(
        f'select "{column}" as value from raw.{source.name} where {scope}"{column}" is not null'
        for column in source.personal_identifiers
    )
    ipad, opad = hmac_pads(key)
    con.execute("begin transaction")
    try:
        if new_key:
            # A new key or scheme: every pseudonym changes, and so must every table built from the old ones.
            con.execute(f"create or replace table {table} {MAPPING_COLUMNS}")
            con.execute("insert or replace into raw.pseudonym_keys values (?, ?)", [source.name, fingerprint])
            if known is not None:
                note_pending(con, source, None)
        else:
            con.execute(f"create table if not exists {table} {MAPPING_COLUMNS}")
        con.execute(
            f"""
            create or replace temp table _wres_new_pseudonyms as
            select value, {PSEUDONYM_SQL} as pseudonym
            from (select distinct value from ({values}) as identifiers) as distinct_identifiers
            where value not in (select value from {table})
            """,
            {"ipad": ipad, "opad": opad, **({"organisations": sorted(organisations)} if scope else {})},
        )
        new = con.execute("select count(*) from _wres_new_pseudonyms").fetchone()[0]
        collisions = _collisions(con) if new else []
        if collisions:
            raise PseudonymCollision(
                f"{source.name}: {len(collisions)} pseudonym(s) would stand for two different identifiers "
                f"(e.g. {collisions[0]}); the mapping was left as it was. Set another WRES_PSEUDONYMISATION_KEY "
                "(docs/data-protection.md)."
            )
        con.execute(f"insert into {table} select * from _wres_new_pseudonyms")
        con.execute("drop table _wres_new_pseudonyms")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return new
