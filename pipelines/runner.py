"""Replay scenarios through Dagster in this process, recording runs in the given instance."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dagster import DagsterInstance, Definitions

from pipelines.partitions import scenario_partitions

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class ReplayOutcome:
    scenario_id: str
    success: bool
    run_id: str
    error: str | None


def replay(
    definitions: Definitions,
    instance: DagsterInstance,
    scenario_ids: list[str],
    seed: int | None = None,
    on_start: Callable[[str], None] = lambda _: None,
) -> list[ReplayOutcome]:
    partition_name = scenario_partitions.name
    assert partition_name is not None
    known = set(instance.get_dynamic_partitions(partition_name))
    instance.add_dynamic_partitions(partition_name, [s for s in scenario_ids if s not in known])
    job = definitions.resolve_job_def("replay_scenario")
    run_config: dict[str, Any] = dict(QUIET)
    if seed is not None:
        run_config["resources"] = {"catalog": {"config": {"seed_override": seed}}}
    outcomes = []
    for scenario_id in scenario_ids:
        on_start(scenario_id)
        result = job.execute_in_process(
            partition_key=scenario_id,
            instance=instance,
            run_config=run_config,
            raise_on_error=False,
        )
        outcomes.append(
            ReplayOutcome(scenario_id, result.success, result.run_id, _first_error(result))
        )
    return outcomes


def _first_error(result: Any) -> str | None:
    for event in result.all_events:
        if event.is_failure and event.event_specific_data is not None:
            error = getattr(event.event_specific_data, "error", None)
            if error is not None:
                cause = error.cause or error
                return f"{event.step_key}: {cause.message.strip()}"
    return None
