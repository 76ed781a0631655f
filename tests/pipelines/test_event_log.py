"""The project's Dagster event log: runs record every event, in files the stock storage (and so
`dagster dev`) reads back unchanged."""

import logging
import os
import time
from pathlib import Path

import pytest
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    MaterializeResult,
    asset,
    define_asset_job,
    in_process_executor,
)
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.utils import make_new_run_id
from sqlalchemy import create_engine

from pipelines.event_log import PooledSqliteEventLogStorage
from tests.dagster_home import project_dagster_home


@asset(check_specs=[AssetCheckSpec("positive", asset="numbers")])
def numbers() -> MaterializeResult:  # type: ignore[type-arg]
    return MaterializeResult(metadata={"rows": 3}, check_results=[AssetCheckResult(passed=True)])


# the watcher's observer thread, on a loaded machine
WATCH_TIMEOUT_S = 10
JOB = define_asset_job("numbers_job", executor_def=in_process_executor)
DEFINITIONS = Definitions(assets=[numbers], jobs=[JOB])


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DagsterInstance:
    monkeypatch.setenv("DAGSTER_HOME", str(project_dagster_home(tmp_path / "home")))
    return DagsterInstance.get()


def test_the_project_instance_uses_the_pooled_event_log(instance: DagsterInstance) -> None:
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)


def test_runs_are_recorded_where_the_stock_storage_reads_them(
    instance: DagsterInstance,
) -> None:
    job = DEFINITIONS.resolve_job_def("numbers_job")
    runs = [job.execute_in_process(instance=instance).run_id for _ in range(2)]
    stock = SqliteEventLogStorage(os.path.join(os.environ["DAGSTER_HOME"], "storage"))
    for run_id in runs:
        ours = [e.dagster_event_type for e in instance.all_logs(run_id) if e.is_dagster_event]
        theirs = [
            e.dagster_event_type for e in stock.get_logs_for_run(run_id) if e.is_dagster_event
        ]
        assert ours == theirs
        assert {
            DagsterEventType.ASSET_MATERIALIZATION,
            DagsterEventType.ASSET_CHECK_EVALUATION,
            DagsterEventType.RUN_SUCCESS,
        } <= set(theirs)
    latest = instance.get_latest_materialization_event(numbers.key)
    assert latest is not None
    assert latest.run_id == runs[-1]
    check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [next(iter(numbers.check_keys))]
    )
    assert next(iter(check.values())).run_id == runs[-1]


def test_a_watcher_of_the_run_sees_each_event_as_it_is_stored(
    instance: DagsterInstance,
) -> None:
    """The UI follows a live run with the stock storage's `watch`, which reads the run again
    whenever `<run_id>.db` changes: every event must reach it while the run goes on, though
    events sit in the write-ahead log."""
    storage = instance.event_log_storage
    run_id = make_new_run_id()
    seen: list[str] = []
    stock = SqliteEventLogStorage(os.path.join(os.environ["DAGSTER_HOME"], "storage"))
    storage.store_event(_message(run_id, "opened"))  # the file the watcher follows

    def on_event(entry: EventLogEntry, _cursor: str) -> None:
        seen.append(entry.user_message)

    stock.watch(run_id, None, on_event)
    try:
        for n in range(3):
            storage.store_event(_message(run_id, f"event {n}"))
            deadline = time.monotonic() + WATCH_TIMEOUT_S
            while f"event {n}" not in seen and time.monotonic() < deadline:
                time.sleep(0.01)
            assert seen[-1] == f"event {n}", f"the watcher saw {seen}"
    finally:
        stock.end_watch(run_id, on_event)
        stock.dispose()


@pytest.mark.parametrize("left_behind", ["an empty file", "its first table only"])
def test_an_index_whose_creation_was_killed_is_finished_by_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, left_behind: str
) -> None:
    """A run SIGKILLed while Dagster created the index database left the file without some
    tables; the stock storage then skips creating it, and every later run failed."""
    home = project_dagster_home(tmp_path / "home")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    index = home / "storage" / "index.db"
    index.parent.mkdir(parents=True)
    index.touch()
    if left_behind == "its first table only":
        engine = create_engine(f"sqlite:///{index}")
        SqlEventLogStorageTable.create(engine)
        engine.dispose()

    instance = DagsterInstance.get()
    assert instance.get_dynamic_partitions("scenarios") == []
    result = DEFINITIONS.resolve_job_def("numbers_job").execute_in_process(instance=instance)
    assert result.success
    assert instance.get_latest_materialization_event(numbers.key) is not None


def _message(run_id: str, text: str) -> EventLogEntry:
    return EventLogEntry(  # type: ignore[no-untyped-call]
        error_info=None,
        level=logging.INFO,
        user_message=text,
        run_id=run_id,
        timestamp=time.time(),
    )
