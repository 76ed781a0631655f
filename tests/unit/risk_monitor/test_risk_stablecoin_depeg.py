"""stablecoin_depeg: level edges, hysteresis, and the firm-wide exposure gate.

Levels are 1/128 and 1/64 of a dollar so prices 1 ± k/128 give exact distances.
"""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from risk_monitor import Limits, MonitorOutput, evaluate, limits_from_mapping
from risk_monitor.schemas import ACCOUNT_BALANCES, MARKET_TICKS

T0 = datetime(2024, 3, 4, tzinfo=UTC)
WARNING, BREACH = 1 / 128, 1 / 64


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ticks(*rows: tuple[float, str, float, float]) -> pl.DataFrame:
    """(ts, pair, price, available_at), times in seconds after T0."""
    data = [(at(ts), pair, price, at(seen)) for ts, pair, price, seen in rows]
    return pl.DataFrame(data, schema=MARKET_TICKS, orient="row")


def balances(*rows: tuple[float, str, str, float, float]) -> pl.DataFrame:
    """(ts, account_id, asset, balance, available_at), times in seconds after T0."""
    data = [(at(ts), acct, "exchange", asset, bal, at(seen)) for ts, acct, asset, bal, seen in rows]
    return pl.DataFrame(data, schema=ACCOUNT_BALANCES, orient="row")


def depeg_limits(min_exposure_usd: float = 15_000) -> Limits:
    rule = {
        "assets": ["USDT", "USDC"],
        "warning": WARNING,
        "breach": BREACH,
        "clear_ratio": 0.5,
        "min_exposure_usd": min_exposure_usd,
    }
    return limits_from_mapping({"version": 1, "rules": {"stablecoin_depeg": rule}}, "test")


# two desks of 10,000 USDT each: material only firm-wide (15,000)
FIRM_USDT = balances((0, "desk_a", "USDT", 10_000.0, 0), (0, "desk_b", "USDT", 10_000.0, 0))


def run_usdt(prices: list[float], held: pl.DataFrame = FIRM_USDT) -> MonitorOutput:
    """USDT/USD is `prices[i]` at second i, published at once."""
    market = ticks(*((i, "USDT/USD", price, i) for i, price in enumerate(prices)))
    return evaluate(market, held, depeg_limits(), at(0), at(len(prices) - 1))


def events(output: MonitorOutput) -> list[tuple[int, str, str]]:
    return [
        (int((ts - T0).total_seconds()), severity, event)
        for ts, severity, event in output.alerts.select("ts", "severity", "event").iter_rows()
    ]


@pytest.mark.parametrize(
    ("price", "state", "alerts"),
    [
        (1 - 1 / 256, "ok", []),
        (1 - 1 / 128, "warning", [(1, "medium", "raised")]),
        (1 + 1 / 128, "warning", [(1, "medium", "raised")]),
        (1 - 3 / 256, "warning", [(1, "medium", "raised")]),
        (1 - 1 / 64, "breach", [(1, "high", "raised"), (1, "medium", "raised")]),
        (1 + 1 / 32, "breach", [(1, "high", "raised"), (1, "medium", "raised")]),
    ],
)
def test_level_edges(price: float, state: str, alerts: list[tuple[int, str, str]]) -> None:
    output = run_usdt([1.0, price])

    assert output.signals["value"].to_list() == [0.0, abs(price - 1)]
    assert output.signals["state"].to_list() == ["ok", state]
    assert events(output) == alerts


def test_price_flapping_around_breach_raises_once() -> None:
    flapping = [1 - 1 / 64, 1 - 31 / 2048] * 4  # at breach, then just below it
    output = run_usdt([1.0, *flapping, 1.0])

    assert events(output) == [
        (1, "high", "raised"),
        (1, "medium", "raised"),
        (9, "high", "cleared"),
        (9, "medium", "cleared"),
    ]


def test_below_min_exposure_never_raises_but_reports_the_value() -> None:
    small = balances((0, "desk_a", "USDT", 7_000.0, 0), (0, "desk_b", "USDT", 7_000.0, 0))

    output = run_usdt([1.0, 0.9, 0.5], held=small)

    assert output.alerts.is_empty()
    assert output.signals["value"].to_list() == pytest.approx([0.0, 0.1, 0.5])
    assert output.signals["state"].to_list() == ["ok", "ok", "ok"]


def test_exposure_falling_below_minimum_clears_active_levels() -> None:
    market = ticks((0, "USDT/USD", 0.9, 0))
    held = balances((0, "desk_a", "USDT", 20_000.0, 0), (2, "desk_a", "USDT", 1_000.0, 2))

    output = evaluate(market, held, depeg_limits(), at(0), at(3))

    assert events(output) == [
        (0, "high", "raised"),
        (0, "medium", "raised"),
        (2, "high", "cleared"),
        (2, "medium", "cleared"),
    ]
    assert output.alerts["message"][2] == (
        "stablecoin_depeg USDT 0.1000: breach 0.015625 cleared, rule no longer armed"
    )
    assert output.signals["state"].to_list() == ["breach", "breach", "ok", "ok"]


def test_subjects_are_watched_assets_present_in_balances() -> None:
    # USDC is watched but nobody holds it; DAI is held but not watched
    market = ticks((0, "USDT/USD", 1.0, 0), (0, "DAI/USD", 0.5, 0))
    held = balances((0, "desk_a", "USDT", 20_000.0, 0), (0, "desk_a", "DAI", 20_000.0, 0))

    output = evaluate(market, held, depeg_limits(), at(0), at(0))

    assert output.signals["subject"].to_list() == ["USDT"]


def test_no_data_before_a_price_is_visible() -> None:
    market = ticks((0, "USDT/USD", 0.5, 1))

    output = evaluate(market, FIRM_USDT, depeg_limits(), at(0), at(1))

    assert output.signals["value"].to_list() == [None, 0.5]
    assert output.signals["state"].to_list() == ["no_data", "breach"]
