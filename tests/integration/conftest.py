"""Replays through the real Dagster graph into temporary directories, never into the checkout."""

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from dagster import DagsterInstance
from filelock import FileLock

from pipelines.definitions import build_definitions
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.runner import ReplayOutcome, replay, replay_in_parallel
from tests.dagster_home import project_dagster_home

HERE = Path(__file__).parent
SHORT_CRASH = HERE / "scenarios" / "short_crash.yaml"

Replayer = Callable[[Path, list[Path | str]], list[ReplayOutcome]]


def replay_into(data_dir: Path, targets: list[Path | str]) -> list[ReplayOutcome]:
    """Admit scenario files like the CLI does, then replay them in an ephemeral instance."""
    catalog = ScenarioCatalog(user_dir=str(data_dir / "scenarios"))
    ids = [
        s.id
        for t in targets
        for s in (catalog.admit(t) if isinstance(t, Path) else [catalog.load(t)])
    ]
    with DagsterInstance.ephemeral() as instance:
        outcomes = replay(build_definitions(data_dir), instance, ids)
    for outcome in outcomes:
        assert outcome.success, outcome.error
    return outcomes


def lake_table(data_dir: Path, table: str, scenario_id: str) -> pl.DataFrame:
    schema, name = table.split(".")
    return pl.read_parquet(data_dir / "lake" / schema / name / f"scenario={scenario_id}")


@pytest.fixture(scope="session")
def library_run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The whole library, replayed as `riskproof run` does: two scenarios at a time, each in its
    own process, against a Dagster instance of the test's own. Once per test session: under
    pytest-xdist the first worker to ask replays it, behind a lock, and the others read it."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    data_dir, done = shared / "library", shared / "library.replayed"
    with FileLock(str(shared / "library.lock")):
        if not done.exists():
            _replay_library(data_dir, shared / "library_dagster_home")
            done.touch()
    return data_dir


def _replay_library(data_dir: Path, dagster_home: Path) -> None:
    project_dagster_home(dagster_home)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(dagster_home))
        catalog = ScenarioCatalog()
        with DagsterInstance.get() as instance:
            outcomes = replay_in_parallel(
                data_dir, instance, catalog.ids(), seed=None, workers=2, cost=catalog.span_s
            )
    for outcome in outcomes:
        assert outcome.success, f"{outcome.scenario_id}: {outcome.error}"
