"""Keyed pseudonyms of staff identifiers (HMAC-SHA256), so that nothing outside the raw schema holds them.

For each source with personal identifiers (contract `personal_identifiers`: employee, assignment, application,
applicant, case, respondent and member identifiers), `raw.<source>_pseudonyms` maps every raw value to
`HMAC-SHA256(key, value)` in hex. Staging models replace each identifier by its pseudonym through this table,
so marts, exports and BI files never see a raw identifier, while the same employee number still joins across
staff in post, employee relations and training.

The key comes from `WRES_PSEUDONYMISATION_KEY` (settings). DuckDB computes the HMAC from the key's inner and
outer pads, passed as bound parameters: the key never appears in SQL text, dbt files or logs. Only values not
yet mapped are hashed, so a run costs in proportion to what is new; a different key (detected by the SHA-256 of
the key, stored beside the mapping) rebuilds the mapping.
"""

from __future__ import annotations

import hashlib

import duckdb

from orchestration.lib.contract import Source

BLOCK_SIZE = 64  # SHA-256's block size, in bytes


def hmac_pads(key: str) -> tuple[str, str]:
    """The inner and outer pads of HMAC-SHA256 (RFC 2104) for `key`, in hex."""
    raw = key.encode("utf-8")
    if len(raw) > BLOCK_SIZE:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(BLOCK_SIZE, b"\x00")
    return bytes(b ^ 0x36 for b in raw).hex(), bytes(b ^ 0x5C for b in raw).hex()


def key_fingerprint(key: str) -> str:
    return hashlib.sha256(("wres-pseudonymisation-key|" + key).encode("utf-8")).hexdigest()


HMAC_SQL = "sha256(unhex($opad) || unhex(sha256(unhex($ipad) || encode(value))))"


def mapping_table(source: Source) -> str:
    return f"raw.{source.name}_pseudonyms"


def update_pseudonyms(con: duckdb.DuckDBPyConnection, source: Source, key: str) -> int:
    """Bring `raw.<source>_pseudonyms` up to date with the source's raw table; return how many values were new."""
    if not source.personal_identifiers:
        return 0
    table = mapping_table(source)
    fingerprint = key_fingerprint(key)
    con.execute(f"create table if not exists {table} (value varchar primary key, pseudonym varchar not null)")
    con.execute("create table if not exists raw.pseudonym_keys (source varchar primary key, key_sha256 varchar)")
    known = con.execute("select key_sha256 from raw.pseudonym_keys where source = ?", [source.name]).fetchone()
    con.execute("begin transaction")
    try:
        if known is None or known[0] != fingerprint:
            con.execute(f"delete from {table}")
            con.execute("insert or replace into raw.pseudonym_keys values (?, ?)", [source.name, fingerprint])
        values = " union ".join(
            f'select "{column}" as value from raw.{source.name} where "{column}" is not null'
            for column in source.personal_identifiers
        )
        ipad, opad = hmac_pads(key)
        before = con.execute(f"select count(*) from {table}").fetchone()[0]
        con.execute(
            f"""
            insert into {table}
            select value, {HMAC_SQL} as pseudonym
            from (select distinct value from ({values}) as identifiers) as distinct_identifiers
            where value not in (select value from {table})
            """,
            {"ipad": ipad, "opad": opad},
        )
        added = con.execute(f"select count(*) from {table}").fetchone()[0] - before
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return added
