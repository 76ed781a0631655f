"""Onsets measured on hand-made reference prices, where the right answer is known."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from correlator.onset import describe_condition, material_for
from correlator.onsets import ONSETS, onset_ts
from correlator.truth import Truth
from scenarios import TypedInjection, ValidScenario, load_scenario
from scenarios.injections import KINDS, Profile
from simulators.schemas import REFERENCE_PRICES

T0 = datetime(2024, 3, 4, tzinfo=UTC)
START = T0 + timedelta(minutes=10)  # every injection below starts 10 minutes in
RULES = ["portfolio_drawdown", "stablecoin_depeg"]


def scenario(kind: str, params: str, material: str = "") -> ValidScenario:
    rule = "portfolio_drawdown" if kind == "crash" else "stablecoin_depeg"
    text = f"""
id: onset_test
title: onset test
market:
  start: 2024-03-04T00:00:00Z
  duration: 1h
  pairs: [BTC/USD, ETH/USD, USDT/USD]
injections:
  - {{id: chaos, at: 10m, target: market_data, kind: {kind}, params: {params}}}
expectations:
  - {{id: caught, caused_by: chaos, alert: {rule}, severity: high, within: 5m {material}}}
"""
    return load_scenario(text, "test.yaml", known_rules=RULES)


def prices(*rows: tuple[int, str, float, float]) -> pl.DataFrame:
    """Rows of (minutes after T0, pair, price, price_clean)."""
    return pl.DataFrame(
        [(T0 + timedelta(minutes=m), pair, p, clean) for m, pair, p, clean in rows],
        schema=REFERENCE_PRICES,
        orient="row",
    )


def onset(valid: ValidScenario, reference_prices: pl.DataFrame) -> datetime | None:
    expectation = valid.spec.expectations[0]
    injection = valid.injection(expectation.caused_by)
    return onset_ts(injection, Truth(reference_prices), material_for(expectation, injection))


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


CRASH = scenario("crash", "{drop: 0.15}")
DEPEG = scenario("depeg", "{asset: USDT, to: 0.97}")


def test_crash_onset_is_the_first_drop_at_or_beyond_the_default_material() -> None:
    reference = prices(
        (11, "BTC/USD", 98.0, 100.0),  # 2%: not yet material
        (12, "BTC/USD", 95.0, 100.0),  # 5% exactly: material
        (13, "BTC/USD", 90.0, 100.0),
    )
    assert onset(CRASH, reference) == at(12)


def test_crash_onset_ignores_drops_before_the_injection_start() -> None:
    # Before the injection any gap between price and price_clean is not this injection's doing.
    reference = prices((5, "BTC/USD", 80.0, 100.0), (10, "BTC/USD", 100.0, 100.0))
    assert onset(CRASH, reference) is None


def test_crash_onset_starts_counting_at_the_injection_start_inclusive() -> None:
    assert onset(CRASH, prices((10, "BTC/USD", 94.0, 100.0))) == START


def test_crash_onset_takes_whichever_affected_asset_drops_first() -> None:
    reference = prices(
        (11, "BTC/USD", 99.0, 100.0),
        (11, "ETH/USD", 9.4, 10.0),
        (12, "BTC/USD", 90.0, 100.0),
    )
    assert onset(CRASH, reference) == at(11)


def test_crash_onset_ignores_stablecoins_and_usd_by_default() -> None:
    reference = prices((11, "USDT/USD", 0.5, 1.0), (12, "BTC/USD", 94.0, 100.0))
    assert onset(CRASH, reference) == at(12)


def test_crash_onset_only_measures_the_named_assets() -> None:
    eth_only = scenario("crash", "{drop: 0.15, assets: [ETH]}")
    reference = prices((11, "BTC/USD", 50.0, 100.0), (13, "ETH/USD", 9.0, 10.0))
    assert onset(eth_only, reference) == at(13)


def test_crash_material_override_moves_the_onset() -> None:
    reference = prices((11, "BTC/USD", 95.0, 100.0), (12, "BTC/USD", 90.0, 100.0))
    assert onset(scenario("crash", "{drop: 0.15}", ", material: 0.1"), reference) == at(12)


def test_crash_onset_through_an_inverted_usd_pair() -> None:
    # USD/BTC quotes BTC per dollar: a 5% lower BTC price is 1/95 instead of 1/100.
    reference = prices(
        (11, "USD/BTC", 1 / 98, 1 / 100),
        (12, "USD/BTC", 1 / 95, 1 / 100),
    )
    assert onset(CRASH, reference) == at(12)


def test_crash_onset_never_material_is_none() -> None:
    assert onset(CRASH, prices((11, "BTC/USD", 96.0, 100.0))) is None


def test_crash_on_an_asset_without_usd_prices_is_an_error() -> None:
    eth_only = scenario("crash", "{drop: 0.15, assets: [ETH]}")
    with pytest.raises(ValueError, match="no ETH/USD or USD/ETH reference prices"):
        onset(eth_only, prices((11, "BTC/USD", 90.0, 100.0)))


def test_depeg_onset_is_the_first_price_a_material_distance_from_one() -> None:
    reference = prices(
        (9, "USDT/USD", 0.95, 1.0),  # before the injection
        (11, "USDT/USD", 0.995, 1.0),
        (12, "USDT/USD", 0.99, 1.0),
    )
    assert onset(DEPEG, reference) == at(12)


def test_depeg_above_the_peg_counts_too() -> None:
    assert onset(DEPEG, prices((11, "USDT/USD", 1.01, 1.0))) == at(11)


def test_depeg_material_override_moves_the_onset() -> None:
    reference = prices((11, "USDT/USD", 0.99, 1.0), (14, "USDT/USD", 0.98, 1.0))
    override = scenario("depeg", "{asset: USDT, to: 0.97}", ", material: 0.02")
    assert onset(override, reference) == at(14)


def test_depeg_onset_through_an_inverted_usd_pair() -> None:
    reference = prices((11, "USD/USDT", 1 / 0.995, 1.0), (12, "USD/USDT", 1 / 0.99, 1.0))
    assert onset(DEPEG, reference) == at(12)


def test_depeg_never_material_is_none() -> None:
    assert onset(DEPEG, prices((11, "USDT/USD", 0.995, 1.0))) is None


def test_material_defaults_per_kind() -> None:
    for valid, kind in ((CRASH, "crash"), (DEPEG, "depeg")):
        expectation = valid.spec.expectations[0]
        injection = valid.injection("chaos")
        assert material_for(expectation, injection) == KINDS[kind].material_default


def test_every_registered_injection_kind_has_an_onset() -> None:
    assert set(KINDS) <= set(ONSETS)


def test_a_kind_without_an_onset_function_is_a_clear_error() -> None:
    injection = TypedInjection(
        id="stop", target="custodian", kind="settlement_stop", start_ts=START, params=Profile()
    )
    with pytest.raises(ValueError, match="no onset function for injection kind 'settlement_stop'"):
        onset_ts(injection, Truth(prices()), 0.05)


def test_conditions_read_as_words() -> None:
    assert describe_condition(CRASH.injection("chaos"), 0.05) == "drop ≥ 5%"
    assert describe_condition(DEPEG.injection("chaos"), 0.01) == "USDT off its peg by ≥ 1%"
