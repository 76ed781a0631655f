"""The co-simulation core: market data, four strategies deciding every second, matching and
settlement through the exchange's step API, over the 36 h reference replay; against the minimal
pure-Python loop on the same prices."""

from datetime import timedelta

import polars as pl

from benchmarks.baseline_cosim import cosimulate_per_tick
from benchmarks.timing import Timing, measure
from scenarios import ValidScenario
from simulators.orders import scripted_orders
from simulators.strategies import simulate_with_strategies
from simulators.venues.setup import PIPELINE_EXCHANGE, chaos_windows, opening_balances


def cosimulation_timings(
    scenario: ValidScenario, reference: pl.DataFrame, candles: pl.DataFrame, repeats: int
) -> tuple[Timing, Timing, int]:
    """(the core, the pure-Python loop, steps), both in ticks = pairs x 1 s steps."""
    steps = (scenario.end - scenario.start) // timedelta(seconds=1)
    pairs = len(scenario.spec.market.pairs)

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

    # One run is seconds to tens of seconds on 2 cores: no warm-up (imports are done already).
    core = measure(
        f"co-simulation core, {len(scenario.strategies)} strategies every 1 s, {pairs} pairs",
        pairs * steps,
        "ticks",
        run,
        repeats=repeats,
        warmup=0,
    )
    prices = {
        str(frame["pair"][0]): frame["price"].to_list()
        for frame in reference.sort("pair", "ts").partition_by("pair", maintain_order=True)
    }
    columns = len(next(iter(prices.values())))
    baseline = measure(
        f"pure-Python loop, {len(prices)} pairs, 3 strategies, risk check every tick",
        len(prices) * columns,
        "ticks",
        lambda: cosimulate_per_tick(prices),
        repeats=3,
    )
    return core, baseline, steps
