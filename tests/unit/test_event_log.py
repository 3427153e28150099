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
from orchestration.settings import DAGSTER_ENVIRONMENT, PROJECT_ROOT

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


def materialisation_entries(run_id: str) -> list:
    """The events of a run that materialised two assets over five organisation partitions."""
    from dagster._core.events import AssetMaterializationPlannedData, DagsterEvent, StepMaterializationData
    from dagster._core.events.log import EventLogEntry

    entries = []
    for index in range(10):
        materialisation = AssetMaterialization(
            asset_key=AssetKey(["marts", f"model_{index % 2}"]), partition=f"R{index // 2}",
            metadata={"row": index}, tags={"dagster/data_version": f"v{index}"},
        )
        event = DagsterEvent(DagsterEventType.ASSET_MATERIALIZATION.value, job_name="build", step_key="dbt",
                             event_specific_data=StepMaterializationData(materialisation))
        entries.append(EventLogEntry(error_info=None, level=20, user_message="", run_id=run_id,
                                     timestamp=1_700_000_000.0 + index, step_key="dbt", job_name="build",
                                     dagster_event=event))
    # model_0's last event is a planned materialisation: it sets only some of the asset's columns
    planned = DagsterEvent(DagsterEventType.ASSET_MATERIALIZATION_PLANNED.value, job_name="build",
                           event_specific_data=AssetMaterializationPlannedData(AssetKey(["marts", "model_0"])))
    entries.append(EventLogEntry(error_info=None, level=20, user_message="", run_id=run_id,
                                 timestamp=1_700_000_010.0, step_key=None, job_name="build", dagster_event=planned))
    return entries


def stored_state(instance) -> tuple:
    storage = instance.event_log_storage
    logs = [(e.dagster_event.asset_key, e.dagster_event.partition, e.timestamp) for e in instance.all_logs("r1")]
    latest = {}
    partitions = {}
    for name in ("model_0", "model_1"):
        key = AssetKey(["marts", name])
        record = storage.get_latest_materialization_events([key])[key]
        latest[name] = (record.dagster_event.partition, record.timestamp)
        partitions[name] = sorted(storage.get_materialized_partitions(key))
    records = instance.fetch_materializations(AssetKey(["marts", "model_1"]), limit=10).records
    tags = sorted((r.partition_key, r.storage_id, r.asset_materialization.tags["dagster/data_version"]) for r in records)
    with storage.index_connection() as conn:
        assets = sorted(tuple(row) for row in conn.execute(text(
            "select asset_key, last_materialization, last_run_id, last_materialization_timestamp from asset_keys")))
    return logs, latest, partitions, tags, assets


def test_a_batch_is_stored_as_its_events_one_by_one(tmp_path, monkeypatch):
    """`store_event_batch` (DAGSTER_EVENT_BATCH_SIZE) leaves what storing each event in turn leaves: the run's
    log, the index's copies with the same ids, their tags, each asset's last materialisation and partitions."""
    states = []
    for name, store in (("one_by_one", lambda s, entries: [s.store_event(e) for e in entries]),
                        ("batch", lambda s, entries: s.store_event_batch(entries))):
        home = tmp_path / name
        home.mkdir()
        shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        with DagsterInstance.from_config(str(home)) as instance:
            store(instance.event_log_storage, materialisation_entries("r1"))
            states.append(stored_state(instance))
    assert states[0] == states[1]
    logs, latest, partitions, tags, _assets = states[1]
    assert len(logs) == 11 and latest["model_1"] == ("R4", 1_700_000_009.0)
    assert partitions["model_0"] == ["R0", "R1", "R2", "R3", "R4"] and len(tags) == 5


def test_a_partition_range_run_stores_its_materialisations_in_batches(home, monkeypatch):
    from dagster import BackfillPolicy, StaticPartitionsDefinition

    for variable, value in DAGSTER_ENVIRONMENT.items():  # as every process of the warehouse has them
        monkeypatch.setenv(variable, value)
    organisations = StaticPartitionsDefinition(["R1", "R2", "R3"])

    @asset(partitions_def=organisations, backfill_policy=BackfillPolicy.single_run())
    def per_organisation() -> None:
        """Materialised for a range of organisations at once."""

    batches = []
    store_batch = PooledSqliteEventLogStorage.store_event_batch
    monkeypatch.setattr(PooledSqliteEventLogStorage, "store_event_batch",
                        lambda self, events: batches.append(sorted({e.dagster_event_type.value for e in events}) + [len(events)]) or store_batch(self, events))
    defs = Definitions(assets=[per_organisation], jobs=[define_asset_job("range", selection=[per_organisation])])
    with DagsterInstance.from_config(str(home)) as instance:
        result = defs.resolve_job_def("range").execute_in_process(
            instance=instance, tags={"dagster/asset_partition_range_start": "R1", "dagster/asset_partition_range_end": "R3"})
        assert result.success
        assert batches == [["ASSET_MATERIALIZATION", 3]]
        assert sorted(instance.get_materialized_partitions(AssetKey("per_organisation"))) == ["R1", "R2", "R3"]
