"""Dagster's SQLite storage with pooled event-log connections (orchestration/lib/event_log.py): the same files
as Dagster's own storage, readable by another instance (the webserver) while a run writes, one engine per
database file, and SQLite's `synchronous=NORMAL`."""

from __future__ import annotations

import shutil

import pytest
from dagster import (
    AssetKey,
    AssetMaterialization,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    asset,
    define_asset_job,
)
from sqlalchemy import text

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.lib.event_log import OPEN_DATABASES, PooledSqliteEventLogStorage
from orchestration.settings import PROJECT_ROOT

SQLITE_SYNCHRONOUS_NORMAL = 1


@asset
def counted() -> None:
    """An asset that materialises nothing but itself."""


@pytest.fixture
def home(tmp_path, monkeypatch):
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


def test_a_run_written_through_the_pool_is_read_by_another_instance(home):
    job = Definitions(assets=[counted], jobs=[define_asset_job("one", selection=[counted])]).resolve_job_def("one")
    with DagsterInstance.from_config(str(home)) as writer, DagsterInstance.from_config(str(home)) as reader:
        assert isinstance(writer.event_log_storage, PooledSqliteEventLogStorage)
        result = job.execute_in_process(instance=writer)
        for index in range(3):
            writer.report_runless_asset_event(AssetMaterialization("reported", metadata={"index": index}))

        logs = reader.all_logs(result.run_id)
        assert [e.dagster_event_type for e in logs if e.is_dagster_event][-1] == DagsterEventType.RUN_SUCCESS
        assert reader.get_latest_materialization_event(AssetKey("counted")).run_id == result.run_id
        reported = reader.fetch_materializations(AssetKey("reported"), limit=10).records
        assert sorted(r.asset_materialization.metadata["index"].value for r in reported) == [0, 1, 2]
    assert (home / "history" / "runs" / f"{result.run_id}.db").is_file()  # Dagster's own place for a run's log
    assert (home / "history" / "runs" / "index.db").is_file()


def test_one_engine_per_database_file_and_synchronous_normal(home):
    with DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        for _ in range(5):
            with storage.index_connection() as conn:
                assert conn.execute(text("pragma synchronous")).scalar() == SQLITE_SYNCHRONOUS_NORMAL
        with storage.run_connection("some-run") as conn:
            conn.execute(text("select 1"))
        assert sorted(storage._engines) == ["index", "some-run"]
    assert storage._engines == {}  # disposed with the instance


def test_only_the_recently_used_database_files_stay_open(home):
    with DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        for index in range(OPEN_DATABASES + 3):
            with storage.run_connection(f"run-{index}") as conn:
                conn.execute(text("select 1"))
        assert list(storage._engines) == [f"run-{index}" for index in range(3, OPEN_DATABASES + 3)]
        with storage.run_connection("run-0") as conn:  # closed, opened again on use
            assert conn.execute(text("select 1")).scalar() == 1


def test_a_table_of_the_index_is_looked_up_once(home, monkeypatch):
    lookups = []
    dagsters_has_table = SqliteEventLogStorage.has_table

    def counted_has_table(self, table_name):
        lookups.append(table_name)
        return dagsters_has_table(self, table_name)

    monkeypatch.setattr(SqliteEventLogStorage, "has_table", counted_has_table)
    with DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        lookups.clear()
        assert all(storage.has_table("asset_event_tags") for _ in range(3))
        assert not storage.has_table("no_such_table") and not storage.has_table("no_such_table")
    assert lookups == ["asset_event_tags", "no_such_table", "no_such_table"]  # a missing table is asked again
