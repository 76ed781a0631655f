"""Onsets and condition series of price_shock, divergence, stale_feed and gap, on hand-made
reference prices where the right answer is known."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from correlator.conditions import condition_of
from correlator.onset import describe_condition, material_for
from correlator.onsets import onset_ts
from correlator.truth import Truth
from scenarios import ValidScenario, load_scenario
from simulators.schemas import REFERENCE_PRICES

T0 = datetime(2021, 5, 4, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
RULES = ["portfolio_drawdown", "price_divergence", "data_staleness"]


def scenario(kind: str, params: str, alert: str, material: str = "") -> ValidScenario:
    text = f"""
id: kinds_test
title: kinds test
market:
  start: 2021-05-04T00:00:00Z
  duration: 10m
  resolution: 1m
  pairs: [BTC/USD, ETH/USD, BTC/ETH, USD/USDT]
injections:
  - {{id: chaos, at: 2m, target: market_data, kind: {kind}, params: {params}}}
expectations:
  - {{id: caught, caused_by: chaos, alert: {alert}, severity: high, within: 5m {material}}}
"""
    return load_scenario(text, "test.yaml", known_rules=RULES)


def reference(
    btc: list[float], clean_btc: float = 100.0, btc_eth: list[float] | None = None
) -> pl.DataFrame:
    """Ten minutes: BTC/USD as given (clean 100), ETH/USD 10, BTC/ETH as given (else 10),
    USD/USDT 1."""
    rows = []
    for i, price in enumerate(btc):
        ts = T0 + i * MINUTE
        cross = btc_eth[i] if btc_eth is not None else price / 10.0
        rows += [
            (ts, "BTC/USD", price, clean_btc),
            (ts, "ETH/USD", 10.0, 10.0),
            (ts, "BTC/ETH", cross, clean_btc / 10.0),
            (ts, "USD/USDT", 1.0, 1.0),
        ]
    return pl.DataFrame(rows, schema=REFERENCE_PRICES, orient="row")


def onset(valid: ValidScenario, prices: pl.DataFrame) -> datetime | None:
    expectation = valid.spec.expectations[0]
    injection = valid.injection("chaos")
    return onset_ts(injection, Truth(prices), material_for(expectation, injection))


FLAT = [100.0] * 10


def test_a_price_shock_is_material_either_way_from_its_size() -> None:
    down = scenario("price_shock", "{assets: [BTC], move: -0.3}", "portfolio_drawdown")
    up = scenario(
        "price_shock", "{assets: [BTC], move: 0.2}", "portfolio_drawdown", ", material: 0.1"
    )
    moves = [100, 100, 97, 94, 80, 70, 100, 100, 100, 100]
    assert onset(down, reference([float(p) for p in moves])) == T0 + 3 * MINUTE
    rises = [100, 130, 100, 105, 111, 120, 100, 100, 100, 100]  # the 130 comes before the start
    assert onset(up, reference([float(p) for p in rises])) == T0 + 4 * MINUTE
    assert onset(down, reference(FLAT)) is None
    assert describe_condition(down.injection("chaos"), 0.05) == "BTC moved by ≥ 5%"


def test_a_price_shock_through_an_inverted_pair_is_measured_on_the_usd_price() -> None:
    shock = scenario(
        "price_shock", "{assets: [USDT], move: 0.1}", "portfolio_drawdown", ", material: 0.05"
    )
    prices = reference(FLAT).with_columns(
        price=pl.when((pl.col("pair") == "USD/USDT") & (pl.col("ts") >= T0 + 5 * MINUTE))
        .then(1 / 1.1)
        .otherwise(pl.col("price"))
    )
    assert onset(shock, prices) == T0 + 5 * MINUTE


def test_a_divergence_is_measured_against_the_legs_not_the_clean_price() -> None:
    rich = scenario(
        "divergence", "{pair: BTC/ETH, to: 0.04}", "price_divergence", ", material: 0.03"
    )
    # BTC crashes (the clean cross would be 10, the implied one 7); BTC/ETH trades 4% rich of 7
    btc = [100.0, 100.0, 70.0, 70.0, 70.0, 70.0, 70.0, 70.0, 70.0, 70.0]
    cross = [10.0, 10.0, 7.0, 7.0 * 1.02, 7.0 * 1.04, 7.0 * 1.04, 7.0, 7.0, 7.0, 7.0]
    assert onset(rich, reference(btc, btc_eth=cross)) == T0 + 4 * MINUTE
    condition = condition_of(rich, rich.spec.expectations[0], Truth(reference(btc, btc_eth=cross)))
    assert condition.pairs == ("BTC/ETH",)
    assert condition.series["value"][2] == pytest.approx(0.0)


@pytest.mark.parametrize("kind", ["stale_feed", "gap"])
def test_a_feed_outage_is_material_from_its_first_withheld_tick(kind: str) -> None:
    out = scenario(kind, "{pairs: [BTC/USD], recover_after: 4m}", "data_staleness")
    assert onset(out, reference(FLAT)) == T0 + 2 * MINUTE
    late = scenario(kind, "{recover_after: 4m}", "data_staleness", ", material: 120")
    assert onset(late, reference(FLAT)) == T0 + 4 * MINUTE
    condition = condition_of(out, out.spec.expectations[0], Truth(reference(FLAT)))
    assert condition.pairs == ("BTC/USD",)
    assert condition.series["value"].to_list() == [
        None,
        None,
        0,
        60,
        120,
        180,
        None,
        None,
        None,
        None,
    ]
    assert condition.until == T0 + 6 * MINUTE


def test_a_feed_outage_of_a_pair_without_reference_prices_is_an_error() -> None:
    out = scenario("gap", "{pairs: [BTC/USD]}", "data_staleness")
    prices = reference(FLAT).filter(pl.col("pair") != "BTC/USD")
    with pytest.raises(ValueError, match="injection 'chaos': no BTC/USD reference prices"):
        onset(out, prices)


def test_a_feed_outage_is_described_by_what_it_withholds() -> None:
    stale = scenario("stale_feed", "{pairs: [BTC/USD]}", "data_staleness").injection("chaos")
    gap = scenario("gap", "{}", "data_staleness").injection("chaos")
    assert describe_condition(stale, 0) == "ticks of BTC/USD held back"
    assert describe_condition(gap, 90) == "ticks of every pair lost for ≥ 90 s"
