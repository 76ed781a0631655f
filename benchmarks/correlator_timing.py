"""The audit correlator's own functions, on exactly the inputs the pipeline gave them in the
reference replay's run (read back from that run's lake), in rows of input per second."""

from collections.abc import Callable
from pathlib import Path

import polars as pl

from benchmarks.timing import Timing, measure
from correlator import score_scenario
from correlator.causation import causation_chains
from correlator.timeline import build_timeline
from pipelines.audit.reading import chaos_events, optional, prod_views, truth_of
from pipelines.resources.lake import Lake
from scenarios import ValidScenario


def correlator_timings(scenario: ValidScenario, lake_dir: Path, repeats: int) -> list[Timing]:
    lake = Lake(root=str(lake_dir))
    sid = scenario.id

    def read(table: str) -> pl.DataFrame:
        schema, name = table.split(".")
        return lake.read(schema, name, sid)

    reference, alerts, signals = (
        read(t) for t in ("audit.reference_prices", "risk.alerts", "risk.signals")
    )
    results = read("audit.scenario_results")
    venue = [optional(lake, f"audit.{t}", sid) for t in VENUE_TRUTH]
    truth, chaos, views = truth_of(lake, sid), chaos_events(lake, sid), prod_views(lake, sid)

    def timed(name: str, frames: list[pl.DataFrame | None], work: Callable[[], object]) -> Timing:
        rows = sum(f.height for f in frames if f is not None)
        return measure(f"correlator: {name}", rows, "rows", work, repeats=repeats)

    return [
        timed(
            "score_scenario (audit.scenario_results)",
            [reference, alerts, *venue],
            lambda: score_scenario(scenario, reference, alerts, *venue),
        ),
        timed(
            "build_timeline (audit.timeline)",
            [results, signals, alerts, *chaos],
            lambda: build_timeline(scenario, results, signals, alerts, chaos),
        ),
        timed(
            "causation_chains (audit.causation_chains)",
            [results, reference, *venue, signals, alerts, *views.values()],
            lambda: causation_chains(scenario, results, truth, signals, alerts, views),
        ),
    ]


VENUE_TRUTH = ("account_balances", "settlements", "settlement_events")
