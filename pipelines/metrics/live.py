"""`riskproof run --metrics-port`: a replay's metrics over HTTP while it runs.

Each scenario's run state comes from the Dagster instance the replay records in; its metrics
(the ones of definitions.py) appear as the tables they read land in the lake, each stating what
the run's exported series says at the run's end. Every series carries instance="<scenario>",
as in the backfilled files: scrape with `honor_labels: true` so the dashboards' joins hold.
"""

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from prometheus_client import Counter, Gauge, start_http_server

from pipelines.cli_output import say
from pipelines.metrics.definitions import ALL, LIVE, build_registry
from pipelines.metrics.grid import Grid
from pipelines.metrics.landed import LandedTables, NotLanded, at_the_end
from pipelines.metrics.openmetrics import BUILDERS, DEFAULT_STEP
from scenarios import ValidScenario

STATES = ("pending", "running", "succeeded", "failed")
PARTITION_TAG = "dagster/partition"
# every other Dagster status (starting, started, canceling, ...) is "running"
_STATE = {
    DagsterRunStatus.NOT_STARTED: "pending",
    DagsterRunStatus.QUEUED: "pending",
    DagsterRunStatus.SUCCESS: "succeeded",
    DagsterRunStatus.FAILURE: "failed",
    DagsterRunStatus.CANCELED: "failed",
}


class ReplayMetrics:
    """The metrics of the scenarios being replayed, on a registry of their own."""

    def __init__(
        self,
        lake_dir: Path,
        scenarios: Sequence[ValidScenario],
        instance: DagsterInstance,
        step: timedelta = DEFAULT_STEP,
    ) -> None:
        self.registry, self.made = build_registry(ALL + LIVE)
        self.instance = instance
        self.began_ns = time.time_ns()
        self.began = datetime.fromtimestamp(self.began_ns / 1e9, UTC)
        self.scenarios = {s.id: s for s in scenarios}
        self.grids = {s.id: Grid(s.start, s.end, step) for s in scenarios}
        self.tables = {s.id: LandedTables(lake_dir, s.id, self.began_ns) for s in scenarios}
        self.state = dict.fromkeys(self.scenarios, "pending")
        self.published: dict[str, set[str]] = {sid: set() for sid in self.scenarios}
        self._lock = threading.Lock()
        self._server: WSGIServer | None = None
        self.port: int | None = None
        for scenario_id in self.scenarios:
            self._set_state(scenario_id, "pending")

    def serve(self, port: int, host: str = "127.0.0.1") -> int:
        """Serve /metrics on host:port in a daemon thread; port 0 picks a free one. The port."""
        self._server, _ = start_http_server(port, addr=host, registry=self.registry)
        self.port = int(self._server.server_port)
        return self.port

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def refresh(self) -> None:
        """Catch up with the instance and the lake: new run states, newly landed metrics."""
        with self._lock:
            for scenario_id in self.scenarios:
                if self._done(scenario_id):
                    continue
                self._set_state(scenario_id, self._run_state(scenario_id))
                self._publish(scenario_id)

    def _run_state(self, scenario_id: str) -> str:
        # newest first; a run of the scenario from before this replay is not its state
        runs = self.instance.get_runs(
            RunsFilter(tags={PARTITION_TAG: scenario_id}, created_after=self.began), limit=1
        )
        return _STATE.get(runs[0].status, "running") if runs else "pending"

    def _set_state(self, scenario_id: str, state: str) -> None:
        self.state[scenario_id] = state
        gauge = self.made["scenario_run_state"]
        assert isinstance(gauge, Gauge)
        for each in STATES:
            gauge.labels(scenario_id, each, scenario_id).set(1.0 if each == state else 0.0)

    def _done(self, scenario_id: str) -> bool:
        settled = self.state[scenario_id] in ("succeeded", "failed")
        return settled and len(self.published[scenario_id]) == len(ALL)

    def _publish(self, scenario_id: str) -> None:
        grid, tables = self.grids[scenario_id], self.tables[scenario_id]
        for spec in ALL:
            if spec.name in self.published[scenario_id]:
                continue
            try:
                samples = BUILDERS[spec.name](grid, tables, scenario_id)
            except NotLanded:
                continue
            metric = self.made[spec.name]
            for labels, value in at_the_end(spec, samples, grid.end):
                child = metric.labels(*labels, scenario_id)
                if isinstance(child, Counter):
                    # a counter cannot be set; each series is published once, from zero
                    child.inc(value)
                else:
                    child.set(value)
            self.published[scenario_id].add(spec.name)


@contextmanager
def serving(
    port: int | None,
    lake_dir: Path,
    scenarios: Sequence[ValidScenario],
    instance: DagsterInstance,
    interval_s: float = 0.5,
) -> Iterator[ReplayMetrics | None]:
    """Serve the replay's metrics on 127.0.0.1:`port` while the block runs (nothing if None),
    refreshed every `interval_s` in a daemon thread, and once more as the block ends."""
    if port is None:
        yield None
        return
    metrics = ReplayMetrics(lake_dir, scenarios, instance)
    bound = metrics.serve(port)
    say(f"metrics    http://127.0.0.1:{bound}/metrics (while the replay runs)")
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(interval_s):
            metrics.refresh()

    watcher = threading.Thread(target=watch, name="replay-metrics", daemon=True)
    watcher.start()
    try:
        yield metrics
        stop.set()
        watcher.join()
        metrics.refresh()  # what landed last, before the endpoint goes
    finally:
        stop.set()
        watcher.join()
        metrics.close()
