"""A divergence breaks one pair's cross rate and nothing else."""

from collections.abc import Callable

import polars as pl
import pytest

from scenarios import ValidScenario
from simulators import MarketDataError, cross_pairs
from simulators.market_data import apply_pair_chaos
from tests.unit.simulators.test_chaos import START, flat_legs

PAIRS = ["BTC/USD", "ETH/USD", "BTC/ETH"]


def divergence(params: str) -> str:
    return f"  - {{id: rich, at: 30m, target: market_data, kind: divergence, params: {params}}}"


def reference() -> pl.DataFrame:
    legs = flat_legs().with_columns(usd_price_clean=pl.col("usd_price"))
    return cross_pairs(legs, PAIRS)


def price_at(prices: pl.DataFrame, pair: str, minute: int) -> float:
    row = prices.filter(pl.col("pair") == pair, pl.col("ts") == START + pl.duration(minutes=minute))
    return float(row["price"].item())


def test_the_pair_departs_from_its_implied_price_and_its_legs_do_not(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    scenario = make_scenario(divergence("{pair: BTC/ETH, to: 0.04, over: 10m}"))
    before = reference()
    after = apply_pair_chaos(before, scenario.injections)
    implied = price_at(after, "BTC/USD", 50) / price_at(after, "ETH/USD", 50)
    assert price_at(after, "BTC/ETH", 29) == price_at(before, "BTC/ETH", 29)
    assert price_at(after, "BTC/ETH", 35) == pytest.approx(implied * 1.02)
    assert price_at(after, "BTC/ETH", 50) == pytest.approx(implied * 1.04)
    legs = pl.col("pair") != "BTC/ETH"
    assert after.filter(legs).equals(before.filter(legs))
    assert after["price_clean"].equals(before["price_clean"])


def test_a_divergence_needs_its_pair_in_the_market(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    scenario = make_scenario(divergence("{pair: USDT/ETH, to: -0.05}"))
    with pytest.raises(MarketDataError, match=r"'rich': params.pair 'USDT/ETH' is not in"):
        apply_pair_chaos(reference(), scenario.injections)


def test_without_pair_chaos_the_reference_is_returned_as_is() -> None:
    before = reference()
    assert apply_pair_chaos(before, []) is before
