"""What a dbt build recomputes (orchestration/lib/rebuild.py): a full refresh or only the organisations whose
data changed. The models' incremental SQL is tested end to end in tests/e2e/test_partitions.py (an incremental
build gives the same tables as a full refresh)."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.lib.rebuild import finish_rebuild, plan_rebuild, project_fingerprint


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.pending_organisations (source varchar, organisation_code varchar)")
    yield con
    con.close()


def pend(con, *pairs: tuple[str, str]) -> None:
    con.executemany("insert into raw.pending_organisations values (?, ?)", list(pairs))


def test_the_first_build_is_a_full_refresh(con):
    pend(con, ("staff_in_post", "R1A"))
    plan = plan_rebuild(con, "v1")
    assert plan.full_refresh and plan.reason == "first build of the dbt models"


def test_after_a_build_only_the_listed_organisations_are_recomputed(con):
    finish_rebuild(con, plan_rebuild(con, "v1"), "v1")
    pend(con, ("staff_in_post", "R1B"), ("training", "R1B"), ("training", "R1A"))
    plan = plan_rebuild(con, "v1")
    assert not plan.full_refresh
    assert plan.organisations == ["R1A", "R1B"]
    assert plan.reason == "2 organisation(s) changed: R1A, R1B"


def test_nothing_listed_recomputes_nothing(con):
    finish_rebuild(con, plan_rebuild(con, "v1"), "v1")
    plan = plan_rebuild(con, "v1")
    assert not plan.full_refresh and plan.organisations == []


def test_another_project_or_every_organisation_is_a_full_refresh(con):
    finish_rebuild(con, plan_rebuild(con, "v1"), "v1")
    pend(con, ("staff_in_post", "R1A"))
    assert plan_rebuild(con, "v2").full_refresh  # a model, seed or macro changed
    pend(con, ("training", "*"))  # e.g. a rule of the loader changed: every training row was validated again
    plan = plan_rebuild(con, "v1")
    assert plan.full_refresh and plan.reason == "every organisation of training changed"
    assert plan_rebuild(con, "v1", forced=True).reason == "a full refresh was asked for"


def test_a_finished_build_clears_what_it_planned_and_nothing_listed_since(con):
    finish_rebuild(con, plan_rebuild(con, "v1"), "v1")
    pend(con, ("staff_in_post", "R1A"))
    plan = plan_rebuild(con, "v1")
    pend(con, ("staff_in_post", "R1C"))  # listed by a load after the plan was made
    finish_rebuild(con, plan, "v1")
    assert con.execute("select * from raw.pending_organisations").fetchall() == [("staff_in_post", "R1C")]


def test_without_a_list_every_build_is_full_until_one_succeeds():
    con = duckdb.connect()
    assert plan_rebuild(con, "v1").full_refresh
    finish_rebuild(con, plan_rebuild(con, "v1"), "v1")
    assert not plan_rebuild(con, "v1").full_refresh


def test_the_project_fingerprint_follows_paths_and_contents(tmp_path):
    (tmp_path / "a.sql").write_text("select 1")
    (tmp_path / "b.sql").write_text("select 2")
    files = [tmp_path / "a.sql", tmp_path / "b.sql"]
    first = project_fingerprint(files, tmp_path)
    assert project_fingerprint(list(reversed(files)), tmp_path) == first  # order does not matter
    (tmp_path / "b.sql").write_text("select 3")
    assert project_fingerprint(files, tmp_path) != first
    (tmp_path / "b.sql").write_text("select 2")
    (tmp_path / "b.sql").rename(tmp_path / "c.sql")
    assert project_fingerprint([tmp_path / "a.sql", tmp_path / "c.sql"], tmp_path) != first
