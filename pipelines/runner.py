"""Replay scenarios through Dagster in this process, recording runs in the given instance."""

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster import DagsterInstance, Definitions

from pipelines.partitions import scenario_partitions
from pipelines.quality import sidecar
from pipelines.resources.lake import RECENT
from pipelines.startup import pause_collector, resume_collector

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class ReplayOutcome:
    scenario_id: str
    success: bool
    run_id: str
    error: str | None


def replay_in_parallel(
    data_dir: Path,
    instance: DagsterInstance,
    scenario_ids: list[str],
    seed: int | None,
    workers: int,
    on_done: Callable[[ReplayOutcome], None] = lambda _: None,
    cost: Callable[[str], float] = lambda _: 0.0,
) -> list[ReplayOutcome]:
    """Each scenario a run of its own in one of `workers` processes, outcomes in input order.

    Scenarios share nothing but the lake (one partition each, written atomically), the warehouse
    (one writer at a time, behind its lock) and the instance, whose partitions are registered here
    first so the workers never race to add them. They start costliest first (by `cost`, such as
    the hours replayed), so a long one never starts last and leaves the other workers idle.
    """
    register_partitions(instance, scenario_ids)
    # spawn, not fork: a forked child inherits Polars' thread pool mid-flight and can deadlock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            sid: pool.submit(_replay_one, data_dir, sid, seed)
            for sid in sorted(scenario_ids, key=cost, reverse=True)
        }
        outcomes = []
        for sid in scenario_ids:
            outcomes.append(futures[sid].result())
            on_done(outcomes[-1])
    return outcomes


def _replay_one(data_dir: Path, scenario_id: str, seed: int | None) -> ReplayOutcome:
    pause_collector()  # resumed once the job is built (replay)
    # before the stages are imported: the sidecar's import overlaps theirs (pipelines.__main__)
    sidecar.warm_up()
    from pipelines.definitions import build_definitions

    with DagsterInstance.get() as instance:
        return replay(build_definitions(data_dir), instance, [scenario_id], seed)[0]


def register_partitions(instance: DagsterInstance, scenario_ids: list[str]) -> None:
    partition_name = scenario_partitions.name
    assert partition_name is not None
    known = set(instance.get_dynamic_partitions(partition_name))
    instance.add_dynamic_partitions(partition_name, [s for s in scenario_ids if s not in known])


def default_workers(scenarios: int) -> int:
    return max(1, min(scenarios, os.cpu_count() or 1, 4))


def replay(
    definitions: Definitions,
    instance: DagsterInstance,
    scenario_ids: list[str],
    seed: int | None = None,
    on_start: Callable[[str], None] = lambda _: None,
) -> list[ReplayOutcome]:
    register_partitions(instance, scenario_ids)
    job = definitions.resolve_job_def("replay_scenario")
    resume_collector()
    run_config: dict[str, Any] = dict(QUIET)
    if seed is not None:
        # Run config replaces the resource's whole config: keep its directories (a --data-dir's
        # scenarios) and override only the seed.
        catalog: dict[str, Any] = (definitions.resources or {})["catalog"].model_dump()
        run_config["resources"] = {"catalog": {"config": catalog | {"seed_override": seed}}}
    outcomes = []
    for scenario_id in scenario_ids:
        on_start(scenario_id)
        try:
            result = job.execute_in_process(
                partition_key=scenario_id,
                instance=instance,
                run_config=run_config,
                raise_on_error=False,
            )
        finally:
            RECENT.clear()  # what a run's steps shared is no use to the next scenario's
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
