"""The project's Dagster event log: runs record every event, in files the stock storage (and so
`dagster dev`) reads back unchanged."""

import os
import sqlite3
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
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from pipelines.event_log import PooledSqliteEventLogStorage
from tests.dagster_home import project_dagster_home


@asset(check_specs=[AssetCheckSpec("positive", asset="numbers")])
def numbers() -> MaterializeResult:  # type: ignore[type-arg]
    return MaterializeResult(metadata={"rows": 3}, check_results=[AssetCheckResult(passed=True)])


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


def test_each_event_reaches_the_run_database_file_the_ui_watches(
    instance: DagsterInstance,
) -> None:
    """The UI follows a live run through changes to `<run_id>.db`: each event is checkpointed
    out of the write-ahead log into it, while the connection stays open."""
    run_id = DEFINITIONS.resolve_job_def("numbers_job").execute_in_process(instance=instance).run_id
    path = Path(os.environ["DAGSTER_HOME"]) / "storage" / f"{run_id}.db"
    stored = len(instance.all_logs(run_id))
    # a reader that ignores the write-ahead log sees every event in the database file itself
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as db:
        assert db.execute("SELECT count(*) FROM event_logs").fetchone() == (stored,)
