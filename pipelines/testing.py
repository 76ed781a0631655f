"""riskproof in a user's own pytest suite: replay scenarios, then assert on the scorecard.

    def test_depeg_is_caught(riskproof_run):
        run = riskproof_run("scenarios/my_depeg.yaml")
        assert_detected(run, "depeg_alert", within="15m")
        assert_silent(run, "portfolio_drawdown")

Installed as a pytest plugin (entry point `pytest11`), so the `riskproof_run` fixture is there
wherever riskproof is installed. Replays go through the same Dagster job as `riskproof run`, into
the test's own temporary data directory, with an ephemeral Dagster instance.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from scenarios.durations import format_duration, parse_duration


@dataclass(frozen=True)
class ScenarioRun:
    """The scorecard of one replay (audit.scenario_results) and what the monitor raised."""

    scenario_ids: tuple[str, ...]
    results: pl.DataFrame
    alerts: pl.DataFrame
    data_dir: Path

    @property
    def passed(self) -> bool:
        return self.results.height > 0 and bool((self.results["status"] == "PASS").all())

    def row(self, expectation_id: str, scenario_id: str | None = None) -> dict[str, Any]:
        rows = self.results.filter(pl.col("expectation_id") == expectation_id)
        if scenario_id is not None:
            rows = rows.filter(pl.col("scenario_id") == scenario_id)
        if rows.height != 1:
            known = ", ".join(sorted(set(self.results["expectation_id"])))
            where = f" in {scenario_id}" if scenario_id else ""
            problem = "names several scenarios; pass scenario=" if rows.height else "is unknown"
            raise AssertionError(f"expectation {expectation_id!r}{where} {problem} ({known})")
        return rows.row(0, named=True)


class ReplayFailed(RuntimeError):
    """A replay that raised: the scenario could not be judged at all."""


def run_scenarios(
    targets: tuple[str | Path, ...], data_dir: Path, seed: int | None = None
) -> ScenarioRun:
    """Replay library ids or scenario files (matrix files expand) into `data_dir`."""
    from dagster import DagsterInstance

    from pipelines.definitions import build_definitions
    from pipelines.resources.catalog import ScenarioCatalog
    from pipelines.resources.lake import Lake
    from pipelines.runner import replay

    catalog = ScenarioCatalog(user_dir=str(data_dir / "scenarios"))
    ids = [s.id for target in targets for s in catalog.target(str(target))]
    with DagsterInstance.ephemeral() as instance:
        outcomes = replay(build_definitions(data_dir), instance, ids, seed)
    failed = [f"{o.scenario_id}: {o.error}" for o in outcomes if not o.success]
    if failed:
        raise ReplayFailed("; ".join(failed))
    lake = Lake(root=str(data_dir / "lake"))
    return ScenarioRun(
        scenario_ids=tuple(ids),
        results=lake.read_stored("audit", "scenario_results", ids),
        alerts=lake.read_stored("risk", "alerts", ids),
        data_dir=data_dir,
    )


def assert_detected(
    run: ScenarioRun,
    expectation_id: str,
    within: str | timedelta | None = None,
    scenario: str | None = None,
) -> None:
    """The expectation's alert was raised; within `within` of the condition's onset when given,
    else within the scenario's own SLA."""
    row = run.row(expectation_id, scenario)
    name = f"{row['scenario_id']}: {expectation_id} ({row['rule']} >= {row['expected_severity']})"
    if not row["detected"]:
        raise AssertionError(f"{name} was not detected. {row['detail']}")
    limit = parse_duration(within) if isinstance(within, str) else within
    latency = row["latency_s"]
    if limit is None:
        if row["status"] != "PASS":
            raise AssertionError(f"{name}: {row['status']}. {row['detail']}")
    elif latency is not None and timedelta(seconds=latency) > limit:
        raise AssertionError(
            f"{name} was detected after {format_duration(timedelta(seconds=latency))}, "
            f"later than {format_duration(limit)}. {row['detail']}"
        )


def assert_silent(run: ScenarioRun, rule: str, scenario: str | None = None) -> None:
    """The monitor raised no alert of `rule` at all, expected or not."""
    raised = run.alerts.filter(pl.col("rule") == rule, pl.col("event") == "raised")
    if scenario is not None:
        raised = raised.filter(pl.col("scenario_id") == scenario)
    if raised.height:
        first = raised.sort("ts").row(0, named=True)
        raise AssertionError(
            f"{rule} raised {raised.height} alert(s), the first at {first['ts']:%Y-%m-%d %H:%M:%S} "
            f"UTC ({first['severity']} on {first['subject']}, {first['scenario_id']})"
        )


@pytest.fixture
def riskproof_run(tmp_path: Path) -> Callable[..., ScenarioRun]:
    """`riskproof_run(*targets, seed=None)`: replay into this test's temporary directory."""

    def run(*targets: str | Path, seed: int | None = None) -> ScenarioRun:
        return run_scenarios(targets, tmp_path / "riskproof", seed)

    return run
