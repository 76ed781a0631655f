"""`caused_by: market`: onsets measured on the real prices and the desks' true value."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from correlator import score_scenario
from correlator.market_truth import account_values, market_onset
from risk_monitor.schemas import ALERTS
from scenarios import load_scenario
from scenarios.model import MarketCondition
from simulators.schemas import ACCOUNT_TRUTH, REFERENCE_PRICES

T0 = datetime(2022, 5, 11, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
RULES = ["portfolio_drawdown", "stablecoin_depeg"]


def prices(btc: list[float], usdt: list[float]) -> pl.DataFrame:
    """One reference price per minute from T0 for BTC/USD and USDT/USD."""
    rows = [(T0 + i * MINUTE, "BTC/USD", p, p) for i, p in enumerate(btc)]
    rows += [(T0 + i * MINUTE, "USDT/USD", p, p) for i, p in enumerate(usdt)]
    return pl.DataFrame(rows, schema=REFERENCE_PRICES, orient="row")


def desk(**balances: float) -> pl.DataFrame:
    rows = [(T0, "desk_a", "exchange", asset, amount) for asset, amount in balances.items()]
    return pl.DataFrame(rows, schema=ACCOUNT_TRUTH, orient="row")


BTC = [100.0, 104.0, 101.0, 99.0, 98.7, 94.0]  # peak 104 at minute 1
PEG = [1.0] * len(BTC)


def test_an_asset_drawdown_counts_from_its_trailing_peak() -> None:
    condition = MarketCondition.model_validate({"kind": "drawdown", "asset": "BTC", "over": "1h"})
    # 98.7 is 5.1% below 104; 99 is only 4.8% below.
    assert market_onset(condition, 0.05, prices(BTC, PEG), desk()) == T0 + 4 * MINUTE


def test_the_peak_only_looks_back_over_its_window() -> None:
    condition = MarketCondition.model_validate({"kind": "drawdown", "asset": "BTC", "over": "3m"})
    # The last 3 minutes before 98.7 (minute 4) peak at 101: only 2.3% down. At minute 5 they peak
    # at 99, and 94 is 5.05% below it.
    assert market_onset(condition, 0.05, prices(BTC, PEG), desk()) == T0 + 5 * MINUTE


def test_a_desk_drawdown_values_true_balances_at_true_prices() -> None:
    # Half the desk in BTC: its value falls half as far, 9.6% x 1/2 at minute 5 only.
    truth = desk(BTC=1.0, USD=104.0)
    values = account_values(truth, prices(BTC, PEG))
    assert values.filter(pl.col("ts") == T0 + MINUTE)["value"].item() == pytest.approx(208.0)
    condition = MarketCondition.model_validate({"kind": "drawdown", "over": "1h"})
    assert market_onset(condition, 0.04, prices(BTC, PEG), truth) == T0 + 5 * MINUTE
    assert market_onset(condition, 0.05, prices(BTC, PEG), truth) is None


def test_a_depeg_is_measured_from_one_dollar() -> None:
    usdt = [1.0, 0.998, 0.991, 0.989, 1.0, 1.0]
    condition = MarketCondition(kind="depeg", asset="USDT")
    assert market_onset(condition, 0.01, prices(BTC, usdt), desk()) == T0 + 3 * MINUTE


SCENARIO = load_scenario(
    """
id: real_crash
title: real crash
market:
  start: 2022-05-11T00:00:00Z
  duration: 6m
  pairs: [BTC/USD, USDT/USD]
accounts:
  - {id: desk_a, venue: exchange, balances: {BTC: 1, USD: 104}}
expectations:
  - id: desk_drawdown
    caused_by: market
    condition: {kind: drawdown, over: 1h}
    material: 0.04
    alert: portfolio_drawdown
    severity: high
    within: 30s
""",
    "real_crash.yaml",
    RULES,
)


def test_a_market_expectation_is_scored_from_the_real_onset() -> None:
    alert = {
        "ts": T0 + 5 * MINUTE + timedelta(seconds=45), "rule": "portfolio_drawdown",
        "subject": "desk_a", "severity": "high", "event": "raised", "value": 0.05,
        "threshold": 0.05, "message": "",
    }  # fmt: skip
    results = score_scenario(
        SCENARIO, prices(BTC, PEG), pl.DataFrame([alert], schema=ALERTS), desk(BTC=1.0, USD=104.0)
    )
    row = results.row(0, named=True)
    assert (row["onset_ts"], row["latency_s"], row["status"]) == (
        T0 + 5 * MINUTE,
        45.0,
        "FAIL_LATE",
    )
    assert row["detail"] == (
        "high portfolio_drawdown on desk_a 45 s after the market became material (a desk's value "
        "≥ 4% below its peak of the last 1h), SLA 30 s, 15 s late"
    )
