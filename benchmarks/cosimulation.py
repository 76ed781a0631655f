"""The co-simulation core: market data, four strategies deciding every second, matching, through
the exchange's step API, over the 36 h reference replay."""

from datetime import timedelta

import polars as pl

from benchmarks.timing import Timing, measure
from scenarios import ValidScenario
from simulators.orders import scripted_orders
from simulators.strategies import simulate_with_strategies
from simulators.venues.setup import PIPELINE_EXCHANGE, chaos_windows, opening_balances


def cosimulation_timing(
    scenario: ValidScenario, reference: pl.DataFrame, candles: pl.DataFrame
) -> Timing:
    steps = (scenario.end - scenario.start) // timedelta(seconds=1)

    def run() -> object:
        return simulate_with_strategies(
            reference,
            candles,
            scripted_orders(scenario),
            opening_balances(scenario, "exchange"),
            chaos_windows(scenario, "exchange"),
            scenario.spec.seed,
            scenario.strategies,
            PIPELINE_EXCHANGE,
            start=scenario.start,
            end=scenario.end,
        )

    # One run is tens of seconds: a warm-up and repeats would add minutes and tell little more.
    return measure(
        f"co-simulation, {len(scenario.strategies)} strategies every 1 s (1 s steps)",
        steps,
        "steps",
        run,
        repeats=1,
        warmup=0,
    )
