"""The reference workload (issue 11): 36 h at 1 s over 8 pairs, four strategies."""

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.resources.catalog import read_scenario
from pipelines.resources.market_source import MarketSource
from scenarios import ValidScenario
from simulators.market_data.replay import reference_prices

SCENARIO_FILE = Path(__file__).with_name("bench_depeg_36h.yaml")


@dataclass(frozen=True)
class Workload:
    scenario: ValidScenario
    candles: pl.DataFrame
    reference: pl.DataFrame  # audit.reference_prices: ts, pair, price, price_clean


def load_workload() -> Workload:
    scenario = read_scenario(SCENARIO_FILE)
    candles = MarketSource().candles("bundled", scenario.start, scenario.end)
    reference, _ = reference_prices(candles, scenario)
    return Workload(scenario, candles, reference)
