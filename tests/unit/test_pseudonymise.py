"""The keyed pseudonyms (orchestration/lib/pseudonymise.py): the first 64 bits of HMAC-SHA256 as an integer,
hashed once per value, rebuilt with a new key, and never the same for two identifiers."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from orchestration.lib import pseudonymise
from orchestration.lib.contract import BOARD, TRAINING
from orchestration.lib.pseudonymise import PseudonymCollision, update_pseudonyms

KEY = "a secret key"


def expected(key: str, value: str) -> int:
    """The pseudonym by Python's own HMAC: the digest's first 8 bytes, big-endian."""
    return int.from_bytes(hmac.new(key.encode(), value.encode(), hashlib.sha256).digest()[:8], "big")


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """
        create schema raw;
        create table raw.pending_organisations (source varchar, organisation_code varchar);
        create table raw.board (member_id varchar);
        create table raw.training (employee_number varchar);
        insert into raw.board values ('M1'), ('M2'), ('M2'), (null);
        insert into raw.training values ('E1'), ('M1');
        """
    )
    yield connection
    connection.close()


def mapping(con, source) -> dict[str, int]:
    return dict(con.execute(f"select value, pseudonym from {pseudonymise.mapping_table(source)}").fetchall())


def test_pseudonym_is_the_first_64_bits_of_the_hmac(con):
    assert update_pseudonyms(con, BOARD, KEY) == 2
    assert mapping(con, BOARD) == {"M1": expected(KEY, "M1"), "M2": expected(KEY, "M2")}
    # e.g. 'M1' under this key, worked out once with Python's hmac module
    assert expected(KEY, "M1") == int(hmac.new(b"a secret key", b"M1", "sha256").hexdigest()[:16], 16)
    assert con.execute("select data_type from information_schema.columns "
                       "where table_name = 'board_pseudonyms' and column_name = 'pseudonym'").fetchone()[0] == "UBIGINT"


def test_only_new_values_are_hashed_and_sources_agree(con):
    update_pseudonyms(con, BOARD, KEY)
    con.execute("insert into raw.board values ('M3')")
    assert update_pseudonyms(con, BOARD, KEY) == 1
    assert update_pseudonyms(con, TRAINING, KEY) == 2
    # the same identifier has the same pseudonym in every source, so sources still join
    assert mapping(con, TRAINING)["M1"] == mapping(con, BOARD)["M1"]
    assert con.execute("select count(*) from raw.pending_organisations").fetchone()[0] == 0
    # one row per value (the mapping has no primary key: values are added once by construction)
    assert con.execute("select count(*), count(distinct value) from raw.board_pseudonyms").fetchone() == (3, 3)


def test_a_new_key_rebuilds_the_mapping_and_every_organisation(con):
    update_pseudonyms(con, BOARD, KEY)
    assert update_pseudonyms(con, BOARD, "another key") == 2
    assert mapping(con, BOARD) == {"M1": expected("another key", "M1"), "M2": expected("another key", "M2")}
    assert con.execute("select * from raw.pending_organisations").fetchall() == [("board", "*")]


def test_a_mapping_of_the_earlier_scheme_is_replaced(con):
    """Before integers, pseudonyms were the HMAC's 64 hex digits, under another key fingerprint."""
    con.execute("create table raw.board_pseudonyms (value varchar primary key, pseudonym varchar not null)")
    con.execute("insert into raw.board_pseudonyms values ('M1', 'ab12')")
    con.execute("create table raw.pseudonym_keys (source varchar primary key, key_sha256 varchar)")
    con.execute("insert into raw.pseudonym_keys values ('board', 'the earlier fingerprint')")
    assert update_pseudonyms(con, BOARD, KEY) == 2
    assert mapping(con, BOARD)["M1"] == expected(KEY, "M1")
    assert con.execute("select * from raw.pending_organisations").fetchall() == [("board", "*")]


def test_two_identifiers_with_one_pseudonym_stop_the_load(con, monkeypatch):
    update_pseudonyms(con, TRAINING, KEY)
    before = mapping(con, TRAINING)
    # A derivation that gives 'M3' the pseudonym training's 'E1' already has (another source's mapping).
    monkeypatch.setattr(
        pseudonymise, "PSEUDONYM_SQL",
        f"case when value = 'M3' then {expected(KEY, 'E1')}::ubigint else {pseudonymise.PSEUDONYM_SQL} end",
    )
    con.execute("insert into raw.board values ('M3')")
    with pytest.raises(PseudonymCollision, match="board: 1 pseudonym"):
        update_pseudonyms(con, BOARD, KEY)
    # rolled back whole: no mapping for board, training's unchanged
    assert con.execute("select count(*) from duckdb_tables() where table_name = 'board_pseudonyms'").fetchone()[0] == 0
    assert mapping(con, TRAINING) == before


def test_two_new_identifiers_with_one_pseudonym_stop_the_load(con, monkeypatch):
    monkeypatch.setattr(pseudonymise, "PSEUDONYM_SQL", f"42::ubigint + 0 * length({pseudonymise.HMAC_SQL})")
    with pytest.raises(PseudonymCollision):
        update_pseudonyms(con, BOARD, KEY)


def test_an_unchanged_source_is_only_checked_for_a_new_key(con):
    update_pseudonyms(con, BOARD, KEY)
    # The loader reported the source unchanged: the raw table is not read again.
    con.execute("insert into raw.board values ('M3')")  # (a loader would have reported this change)
    assert update_pseudonyms(con, BOARD, KEY, organisations=set()) == 0
    assert "M3" not in mapping(con, BOARD)
    # A new key rebuilds the mapping all the same.
    assert update_pseudonyms(con, BOARD, "another key", organisations=set()) == 3
    assert mapping(con, BOARD)["M3"] == expected("another key", "M3")


def test_only_the_rows_of_the_organisations_the_load_changed_are_read():
    with duckdb.connect() as con:
        con.execute(
            """
            create schema raw;
            create table raw.pending_organisations (source varchar, organisation_code varchar);
            create table raw.board (organisation_code varchar, member_id varchar);
            insert into raw.board values ('R1A', 'M1'), ('R1B', 'M2');
            """
        )
        assert update_pseudonyms(con, BOARD, KEY) == 2  # every row: the first load
        con.execute("insert into raw.board values ('R1A', 'M3'), ('R1B', 'M4')")

        assert update_pseudonyms(con, BOARD, KEY, organisations={"R1A"}) == 1

        assert sorted(mapping(con, BOARD)) == ["M1", "M2", "M3"]
        # a new key maps every row's values, whatever the organisations changed
        assert update_pseudonyms(con, BOARD, "another key", organisations={"R1A"}) == 4
