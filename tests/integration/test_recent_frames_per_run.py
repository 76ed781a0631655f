"""A run's steps share the frames they wrote, and the runner lets them go once it is over: a
worker's next scenario starts with nothing held."""

from pathlib import Path

from dagster import DagsterInstance

from pipelines.definitions import build_definitions
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.lake import RECENT
from pipelines.runner import replay
from tests.integration.conftest import SHORT_CRASH


def test_the_frames_a_run_shared_are_let_go_when_it_ends(tmp_path: Path) -> None:
    (scenario,) = ScenarioCatalog(user_dir=str(tmp_path / "scenarios")).admit(SHORT_CRASH)
    with DagsterInstance.ephemeral() as instance:
        (outcome,) = replay(build_definitions(tmp_path), instance, [scenario.id])
    assert outcome.success, outcome.error
    assert len(RECENT) == 0
