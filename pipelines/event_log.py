"""Dagster's SQLite event log, with each database's connection kept open between events.

The stock storage builds an engine and opens, commits and closes a connection per event, and
reflects the schema again for every asset-check event: about 10 ms an event, and a replay writes
about 280 of them, so run bookkeeping cost seconds. Here each database keeps one connection
(still one transaction per event, behind the storage's own lock), and a table once seen to exist
is remembered. The databases are in write-ahead-log mode, as the stock storage sets them, and
events stay in the log until SQLite checkpoints it, as any reader of the file expects. The UI
follows a live run by watching `<run_id>.db` for changes, and an event written to the log alone
does not change that file: its modification time is touched after each event, which is what the
watcher needs, where checkpointing each event into it (what the stock storage's closing does)
cost two syncs per event. Configured in dagster_home/dagster.yaml; the files are the stock ones,
so `dagster dev` and any other Dagster tool read them as usual.

The stock storage builds the index database only when its file does not exist yet, so a process
killed while creating it (or a second process that opens it meanwhile) left an index without
some tables, and every later run failed on them. Here each start finishes whatever is missing.
"""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from dagster._config import Field, StringSource
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._serdes import ConfigurableClassData
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_S = 15  # as the stock storage: wait this long for another writer's lock


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: dict[str, Engine] = {}
        self._tables: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)
        self._finish_index()

    def _finish_index(self) -> None:
        # The first index connection creates any missing table and stamps the schema, retrying
        # while another process does the same; the data migrations then run only if they never
        # completed, each marked done as it finishes.
        self.reindex_events()
        self.reindex_assets()

    @classmethod
    def config_type(cls) -> dict[str, Field]:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> "PooledSqliteEventLogStorage":
        # where the stock instance keeps its event logs, unless told otherwise
        base_dir = config_value.get("base_dir") or os.path.join(_dagster_home(), "storage")
        return cls(base_dir, inst_data=inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = self._engines[shard] = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=QueuePool,
                    pool_size=1,
                    # the storage's lock, not the thread, guards the connection
                    connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
                )
                event.listen(engine, "connect", _write_ahead_log_without_commit_fsync)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as connection, connection.begin():
                yield connection

    def store_event(self, event: EventLogEntry) -> None:
        super().store_event(event)
        # after writes only: the watcher reads on every change, and a read must not make one
        os.utime(self.path_for_shard(event.run_id))

    def has_table(self, table_name: str) -> bool:
        # asked while a connection may be open under the lock: the stock way, without the lock
        if table_name not in self._tables:
            if not super().has_table(table_name):
                return False
            self._tables.add(table_name)
        return True

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()


def _write_ahead_log_without_commit_fsync(connection: Any, _record: Any) -> None:
    # The stock storage turns a new run's database to write-ahead-log mode only after creating
    # its tables and indexes, each of which was then a transaction synced to disk.
    connection.execute("PRAGMA journal_mode=WAL")
    # In write-ahead-log mode NORMAL keeps the database consistent through a crash or power
    # loss (the last events may be lost); FULL would sync the log at every event.
    connection.execute("PRAGMA synchronous=NORMAL")


def _dagster_home() -> str:
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise RuntimeError("DAGSTER_HOME is not set: the event log has no base_dir to default to")
    return home
