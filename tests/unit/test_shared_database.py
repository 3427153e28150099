"""In `wres build` every connection of the run joins the one DuckDB database the run holds open
(`build.warehouse_held_open`): Dagster's resource and dbt-duckdb open the warehouse with the same configuration,
which DuckDB requires of a second connection to an open database file (docs/performance.md, item 77)."""

from __future__ import annotations

import os
import subprocess
import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from orchestration.lib.build import warehouse_held_open
from orchestration.settings import DBT_PROJECT_DIR, load_settings


def dbt_config_options() -> dict[str, Any]:
    """The `config_options` dbt-duckdb opens the warehouse with: the profile as dbt renders it."""
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    set_from_args(Namespace(), None)
    set_invocation_context(dict(os.environ))
    profile = Profile.from_raw_profiles(read_profile(str(DBT_PROJECT_DIR)), "wres", ProfileRenderer({}))
    return dict(profile.credentials.config_options)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WRES_WAREHOUSE", str(tmp_path / "wres.duckdb"))
    monkeypatch.setenv("WRES_THREADS", "3")
    monkeypatch.setenv("WRES_MEMORY_LIMIT", "1GB")
    return load_settings()


def test_dbt_opens_the_warehouse_with_the_configuration_of_dagsters_connections(settings):
    assert dbt_config_options() == settings.duckdb_config()
    assert settings.duckdb_config()["threads"] == 3


def test_the_steps_connections_join_the_database_the_run_holds_open_and_it_is_closed_after(settings):
    path = str(settings.warehouse)
    resource = DuckDBResource(database=path, connection_config=settings.duckdb_config())
    with warehouse_held_open(settings) as held:
        assert held
        with resource.get_connection() as con:  # a Dagster step
            con.execute("create table t as select 1 as x")
        with duckdb.connect(path, config=dbt_config_options()) as con:  # dbt-duckdb
            con.execute("insert into t values (2)")
        with resource.get_connection() as con:
            assert con.execute("select current_setting('threads')").fetchone() == (3,)
        # Another configuration is refused while the database is open: the reason the two must agree.
        with pytest.raises(duckdb.ConnectionException, match="different configuration"):
            duckdb.connect(path, config={"threads": 1})
    with duckdb.connect(path, read_only=True) as con:  # closed, so any configuration may open it again
        assert con.execute("select sum(x) from t").fetchone() == (3,)


def test_a_warehouse_another_process_holds_is_left_to_the_steps(settings, capsys):
    path = str(settings.warehouse)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({path!r}); print('held', flush=True); "
                               "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with warehouse_held_open(settings) as held:
            assert not held
        assert "Could not set lock" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    with warehouse_held_open(settings) as held:
        assert held
