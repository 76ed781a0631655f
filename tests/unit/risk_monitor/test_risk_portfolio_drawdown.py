"""portfolio_drawdown: level edges, hysteresis, the lookback window, no data, pricing.

Levels and prices are dyadic (0.25 = 1 − 96/128) so "exactly at a level" is exact in floating point.
"""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from risk_monitor import InputContractError, Limits, MonitorOutput, evaluate, limits_from_mapping
from risk_monitor.schemas import ACCOUNT_BALANCES, MARKET_TICKS

T0 = datetime(2024, 3, 4, tzinfo=UTC)
LEVELS = {"warning": 0.25, "breach": 0.5, "clear_ratio": 0.5}


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


def drawdown_limits(lookback: str = "1h") -> Limits:
    rules = {"portfolio_drawdown": {"lookback": lookback, **LEVELS}}
    return limits_from_mapping({"version": 1, "rules": rules}, "test")


def run_btc(prices: list[float], lookback: str = "1h") -> MonitorOutput:
    """Account desk_a holds 1 BTC; BTC/USD is `prices[i]` at second i, published at once."""
    market = ticks(*((i, "BTC/USD", price, i) for i, price in enumerate(prices)))
    held = balances((0, "desk_a", "BTC", 1.0, 0))
    return evaluate(market, held, drawdown_limits(lookback), at(0), at(len(prices) - 1))


def values(output: MonitorOutput) -> list[float | None]:
    return output.signals["value"].to_list()


def events(output: MonitorOutput) -> list[tuple[int, str, str]]:
    """(second, severity, event) of each alert."""
    return [
        (int((ts - T0).total_seconds()), severity, event)
        for ts, severity, event in output.alerts.select("ts", "severity", "event").iter_rows()
    ]


@pytest.mark.parametrize(
    ("price", "drawdown", "state", "alerts"),
    [
        (97.0, 0.2421875, "ok", []),
        (96.0, 0.25, "warning", [(1, "medium", "raised")]),
        (95.0, 0.2578125, "warning", [(1, "medium", "raised")]),
        (64.5, 0.49609375, "warning", [(1, "medium", "raised")]),
        (64.0, 0.5, "breach", [(1, "high", "raised"), (1, "medium", "raised")]),
        (63.0, 0.5078125, "breach", [(1, "high", "raised"), (1, "medium", "raised")]),
    ],
)
def test_level_edges(
    price: float, drawdown: float, state: str, alerts: list[tuple[int, str, str]]
) -> None:
    output = run_btc([128.0, price])

    assert values(output) == [0.0, drawdown]
    assert output.signals["state"].to_list() == ["ok", state]
    assert events(output) == alerts


def test_raised_message_reads_as_value_against_level() -> None:
    output = run_btc([128.0, 64.0])

    assert output.alerts.filter(severity="high")["message"].to_list() == [
        "portfolio_drawdown desk_a 0.5000 >= breach 0.5"
    ]
    assert output.alerts["threshold"].to_list() == [0.5, 0.25]
    assert output.alerts["value"].to_list() == [0.5, 0.5]


def test_value_flapping_around_a_level_raises_once_and_clears_below_clear_level() -> None:
    # 0.25 and 0.2421875 alternate: above and just below warning, far above 0.25 × 0.5
    flapping = [96.0, 97.0] * 5
    # 1 − 113/128 = 0.1171875 < 0.125: clears; then 0.2421875 alone is not enough to re-raise
    output = run_btc([128.0, *flapping, 113.0, 97.0])

    assert events(output) == [(1, "medium", "raised"), (11, "medium", "cleared")]
    assert output.alerts["message"].to_list()[-1] == (
        "portfolio_drawdown desk_a 0.1172 < 0.125: warning 0.25 cleared"
    )
    states = output.signals["state"].to_list()
    assert states == ["ok"] + ["warning"] * 10 + ["ok", "ok"]


def test_value_between_clear_level_and_level_never_raises() -> None:
    output = run_btc([128.0, 97.0, 110.0, 97.0])

    assert events(output) == []


def test_peak_older_than_lookback_is_forgotten() -> None:
    # peak 128 at 0s; 96 from 1s on: 25% down while the peak is within the 3 s window (t−3, t]
    output = run_btc([128.0, 96.0, 96.0, 96.0, 96.0], lookback="3s")

    assert values(output) == [0.0, 0.25, 0.25, 0.0, 0.0]
    assert events(output) == [(1, "medium", "raised"), (3, "medium", "cleared")]


def test_no_data_until_balances_and_prices_are_visible() -> None:
    market = ticks((0, "BTC/USD", 128.0, 2))
    held = balances((0, "desk_a", "BTC", 1.0, 1), (0, "desk_a", "USD", 10.0, 0))

    output = evaluate(market, held, drawdown_limits(), at(0), at(3))

    # 0s: only USD visible → 10; 1s: BTC visible, unpriced → unknown; 2s: priced → 138
    assert values(output) == [0.0, None, 0.0, 0.0]
    assert output.signals["state"].to_list() == ["ok", "no_data", "ok", "ok"]


def test_no_data_before_any_balance_is_visible() -> None:
    market = ticks((0, "BTC/USD", 128.0, 0))
    held = balances((0, "desk_a", "BTC", 1.0, 2))

    output = evaluate(market, held, drawdown_limits(), at(0), at(2))

    assert values(output) == [None, None, 0.0]
    assert output.signals["state"].to_list() == ["no_data", "no_data", "ok"]
    assert output.compliance_status["status"].to_list() == ["compliant"]


def test_asset_quoted_only_against_usd_is_priced_by_inverting() -> None:
    # EUR is priced at 1 / 0.5 = 2 USD, then 1 / 0.75
    market = ticks((0, "USD/EUR", 0.5, 0), (1, "USD/EUR", 0.75, 1))
    held = balances((0, "desk_a", "EUR", 3.0, 0), (0, "desk_a", "USD", 2.0, 0))

    output = evaluate(market, held, drawdown_limits(), at(0), at(1))

    peak, now = 3 * 2 + 2, 3 / 0.75 + 2
    assert values(output) == [0.0, pytest.approx(1 - now / peak)]


def test_direct_pair_is_preferred_over_the_inverse() -> None:
    market = ticks((0, "USD/EUR", 0.5, 0), (1, "EUR/USD", 4.0, 1))
    held = balances((0, "desk_a", "EUR", 1.0, 0))

    output = evaluate(market, held, drawdown_limits(), at(0), at(1))

    # peak is 2 (inverse), then EUR/USD = 4 takes over: a gain, no drawdown
    assert values(output) == [0.0, 0.0]


def test_each_account_is_its_own_subject() -> None:
    market = ticks((0, "BTC/USD", 128.0, 0), (1, "BTC/USD", 64.0, 1))
    held = balances((0, "desk_a", "BTC", 1.0, 0), (0, "desk_b", "USD", 100.0, 0))

    output = evaluate(market, held, drawdown_limits(), at(0), at(1))

    last = output.signals.filter(pl.col("ts") == at(1))
    assert last.select("subject", "value", "state").rows() == [
        ("desk_a", 0.5, "breach"),
        ("desk_b", 0.0, "ok"),
    ]


def test_held_asset_without_any_usd_pair_is_a_contract_error() -> None:
    market = ticks((0, "BTC/USD", 128.0, 0), (0, "BTC/ETH", 20.0, 0))
    held = balances((0, "desk_a", "ETH", 3.0, 0), (0, "desk_a", "SOL", 0.0, 0))

    with pytest.raises(InputContractError) as raised:
        evaluate(market, held, drawdown_limits(), at(0), at(1))

    # SOL has a zero balance, so it needs no price; ETH cannot be priced from BTC/ETH alone
    assert str(raised.value) == (
        "prod.market_ticks: no USD price for asset 'ETH' of prod.account_balances: "
        "need pair 'ETH/USD' or 'USD/ETH'; pairs present: BTC/ETH, BTC/USD"
    )
