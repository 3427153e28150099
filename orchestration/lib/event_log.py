"""Dagster's SQLite storage with one open connection per event-log database instead of one per event.

Dagster's SQLite event log creates a SQLAlchemy engine and opens a SQLite connection for every read and write,
and commits with SQLite's default `synchronous=FULL`: several connections, an `fsync` and a WAL checkpoint on
every close, for each of the about 1,300 events of a sample build (about 10 s of its `wres build`) and the
about 17,000 of a national one (16,476 materialisations). `WresSqliteStorage` is Dagster's own storage, the
same files in the same places under `DAGSTER_HOME`, with an event log that keeps the engine and pooled
connection of each recently used database file, remembers the tables the index has (Dagster asks before it
stores each materialisation's tags, through a new connection each time), and commits with
`synchronous=NORMAL`. That is SQLite's recommended setting in WAL mode: a committed event survives a crash of
the process; a power cut can lose the last events, never corrupt the file. The webserver and the daemon read
the same files as before.

The materialisations of a partition range (one per asset and organisation) are stored as a batch when
`DAGSTER_EVENT_BATCH_SIZE` is set (`orchestration/settings.py` sets it): one transaction per database for the
batch instead of two per event, and each asset's row of the index updated once, with the batch's last event.

`dagster.yaml` names it (`storage: custom:`); docs/operations.md, "The instance: `dagster.yaml`", and
docs/performance.md, items 13 and 41.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from dagster import AssetKey
from dagster._core.events import ASSET_EVENTS, DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

# Open database files kept at once: the index and the runs read or written last. A webserver that shows many
# runs closes the least recently used rather than keeping a connection to every run's file.
OPEN_DATABASES = 16


def _synchronous_normal(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("pragma synchronous = normal")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """The per-run SQLite event log, with an engine and a pooled connection kept per recently used database file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._index_tables: set[str] = set()
        super().__init__(base_dir, inst_data)

    def has_table(self, table_name: str) -> bool:
        """Whether the index database has the table. Dagster asks before writing the tags of every
        materialisation, each time through a new engine and connection (about 5 ms); tables are only ever added
        (by Dagster's migrations), so a table found once is remembered. (Not under `_db_lock`: Dagster asks while
        holding an index connection.)"""
        if table_name not in self._index_tables:
            if not super().has_table(table_name):
                return False
            self._index_tables.add(table_name)
        return True

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, created on first use; the least recently used beyond `OPEN_DATABASES` are closed.
        (Called holding `_db_lock`, as Dagster's `_connect` is, so no connection of a closed engine is in use.)"""
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        # Connections are used by one thread at a time (under `_db_lock`) but not always the same thread.
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=QueuePool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        event.listen(engine, "connect", _synchronous_normal)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Any]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store the asset events of one run's batch (the materialisations of a partition range, when
        `DAGSTER_EVENT_BATCH_SIZE` is set) as `store_event` stores each, in one transaction per database: the
        run's events, then their copies, tags and assets' last events in the index. Any other batch is stored
        event by event."""
        runs = {event.run_id for event in events}
        if len(runs) != 1 or not all(event.is_dagster_event and event.dagster_event_type in ASSET_EVENTS
                                     for event in events):
            super().store_event_batch(events)
            return
        rows = [self._event_to_row(event) for event in events]
        with self.run_connection(runs.pop()) as conn:
            conn.execute(SqlEventLogStorageTable.insert(), rows)
        with self.index_connection() as conn:
            event_ids = [conn.execute(SqlEventLogStorageTable.insert(), row).inserted_primary_key[0] for row in rows]
            self._store_asset_event_tags(conn, events, event_ids)
            # An asset's row keeps, column by column, the values of the last event that sets the column, and
            # the columns an event sets depend on its type: the last event of each asset and type, in order,
            # leave the row as every event in turn would.
            last: dict[tuple[AssetKey, DagsterEventType], tuple[int, EventLogEntry, int]] = {}
            for position, (event, event_id) in enumerate(zip(events, event_ids)):
                if event.dagster_event.asset_key:
                    last[(event.dagster_event.asset_key, event.dagster_event_type)] = (position, event, event_id)
            for _position, event, event_id in sorted(last.values(), key=lambda item: item[0]):
                self._store_asset_event(conn, event, event_id)

    def dispose(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()


class WresSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, event logs, schedules under `base_dir`) with the pooled event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage.dispose()
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value: dict[str, Any]) -> WresSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)
