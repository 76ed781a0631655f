"""Small hand-made market data for the simulator tests."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from scenarios import ValidScenario, load_scenario
from simulators.schemas import CANDLES

START = datetime(2021, 5, 1, tzinfo=UTC)
RULES = ["portfolio_drawdown", "stablecoin_depeg"]
TIMEFRAMES = {"1m": timedelta(minutes=1), "1h": timedelta(hours=1)}
# The bundled data set's shape: three 1m pairs and a 1h stablecoin pair.
SOURCE_PAIRS = {
    "BTC/USDT": ("1m", 57_000.0),
    "ETH/USDT": ("1m", 2_900.0),
    "ETH/BTC": ("1m", 0.05),
    "USDC/USDT": ("1h", 1.0002),
}


def random_walk_candles(
    pair: str, timeframe: str, start: datetime, count: int, price: float, seed: int
) -> pl.DataFrame:
    """`count` consecutive candles of a seeded random walk around `price`."""
    rng = np.random.default_rng(seed)
    close = price * np.exp(np.cumsum(rng.normal(0.0, 0.001, count)))
    open_ = np.concatenate([[price], close[:-1]])
    high = np.maximum(open_, close) * (1 + rng.uniform(0.0, 0.001, count))
    low = np.minimum(open_, close) * (1 - rng.uniform(0.0, 0.001, count))
    step = TIMEFRAMES[timeframe]
    ts = [start + i * step for i in range(count)]
    return pl.DataFrame(
        {
            "ts": ts,
            "source": "test",
            "pair": pair,
            "timeframe": timeframe,
            "open": open_,
            "high": high,
            "low": low,
            "close": close,
            "volume": 1.0,
        },
        schema=CANDLES,
    )


def bundled_like(hours: int, start: datetime = START) -> pl.DataFrame:
    """The four source pairs of the bundled set, covering `hours` from `start`."""
    frames = []
    for seed, (pair, (timeframe, price)) in enumerate(sorted(SOURCE_PAIRS.items())):
        count = hours * (60 if timeframe == "1m" else 1)
        frames.append(random_walk_candles(pair, timeframe, start, count, price, seed))
    return pl.concat(frames)


def scenario_yaml(injections: str = "", duration: str = "2h", resolution: str = "1s") -> str:
    return f"""
id: test_scenario
title: a test scenario
seed: 3
market:
  start: 2021-05-01T00:00:00Z
  duration: {duration}
  resolution: {resolution}
  pairs: [BTC/USD, ETH/USD, BTC/ETH, USDT/USD, USDT/BTC, USDT/ETH, BTC/USDT]
accounts:
  - {{id: desk_a, venue: exchange, balances: {{USD: 1000000, USDT: 500000, BTC: 40}}}}
  - {{id: custody, venue: custodian, balances: {{ETH: 600}}}}
injections:
{injections or "  []"}
"""


def build_scenario(injections: str = "", duration: str = "2h") -> ValidScenario:
    return load_scenario(scenario_yaml(injections, duration), "test.yaml", known_rules=RULES)


@pytest.fixture
def walk_candles() -> Callable[..., pl.DataFrame]:
    return random_walk_candles


@pytest.fixture
def bundled_candles() -> pl.DataFrame:
    return bundled_like(hours=2)


@pytest.fixture
def make_scenario() -> Callable[..., ValidScenario]:
    return build_scenario
