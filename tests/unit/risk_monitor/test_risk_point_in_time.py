"""No look-ahead: at evaluation time t the monitor uses only rows with available_at <= t.

Proved by alert timing on a late tick, and by a property test against a naive recomputation that
filters the rows by hand at every evaluation time.
"""

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from risk_monitor import Limits, evaluate, limits_from_mapping
from risk_monitor.schemas import ACCOUNT_BALANCES, MARKET_TICKS

T0 = datetime(2024, 3, 4, tzinfo=UTC)
LAST_S, LOOKBACK_S = 40, 10
LIMITS: Limits = limits_from_mapping(
    {
        "version": 1,
        "rules": {
            "portfolio_drawdown": {"lookback": f"{LOOKBACK_S}s", "warning": 0.25, "breach": 0.5},
            "stablecoin_depeg": {
                "assets": ["USDT"],
                "warning": 0.01,
                "breach": 0.02,
                "min_exposure_usd": 0,
            },
        },
    },
    "test",
)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Row(NamedTuple):
    """A tick (key = (pair,)) or a balance (key = (account_id, asset)); times in seconds."""

    ts: int
    key: tuple[str, ...]
    value: float
    available_at: int


def ticks(rows: Sequence[Row]) -> pl.DataFrame:
    data = [(at(r.ts), *r.key, r.value, at(r.available_at)) for r in rows]
    return pl.DataFrame(data, schema=MARKET_TICKS, orient="row")


def balances(rows: Sequence[Row]) -> pl.DataFrame:
    data = [(at(r.ts), r.key[0], "exchange", r.key[1], r.value, at(r.available_at)) for r in rows]
    return pl.DataFrame(data, schema=ACCOUNT_BALANCES, orient="row")


def test_late_tick_is_unused_until_published_then_used_at_once() -> None:
    # the crash happens at 10 s but the feed publishes it 60 s later
    market = ticks([Row(0, ("BTC/USD",), 128.0, 0), Row(10, ("BTC/USD",), 64.0, 70)])
    held = balances([Row(0, ("desk_a", "BTC"), 1.0, 0)])

    output = evaluate(market, held, LIMITS, at(0), at(80))

    by_time = dict(output.signals.select("ts", "value").iter_rows())
    assert by_time[at(69)] == 0.0
    assert by_time[at(70)] == 0.5
    assert output.alerts.filter(severity="high", event="raised")["ts"].to_list() == [at(70)]


def test_row_published_after_a_newer_one_never_replaces_it() -> None:
    market = ticks(
        [
            Row(0, ("BTC/USD",), 128.0, 0),
            Row(2, ("BTC/USD",), 120.0, 2),
            Row(1, ("BTC/USD",), 64.0, 3),  # older than what is already shown: stale on arrival
        ]
    )
    held = balances([Row(0, ("desk_a", "BTC"), 1.0, 0)])

    output = evaluate(market, held, LIMITS, at(0), at(4))

    assert output.signals["value"].to_list() == [0.0, 0.0, 0.0625, 0.0625, 0.0625]


def test_late_correction_of_the_same_event_replaces_it() -> None:
    market = ticks([Row(0, ("BTC/USD",), 128.0, 0), Row(0, ("BTC/USD",), 64.0, 2)])
    held = balances([Row(0, ("desk_a", "BTC"), 1.0, 0)])

    output = evaluate(market, held, LIMITS, at(0), at(3))

    assert output.signals["value"].to_list() == [0.0, 0.0, 0.5, 0.5]


# ---- property: every signal equals a naive recomputation from the rows visible at its time ----


def visible(rows: Sequence[Row], t: int) -> dict[tuple[str, ...], float]:
    """Per key, the value of the newest event published by t (ties: later publication, value)."""
    newest: dict[tuple[str, ...], Row] = {}
    for row in rows:
        best = newest.get(row.key)
        rank = (row.ts, row.available_at, row.value)
        if row.available_at <= t and (
            best is None or rank > (best.ts, best.available_at, best.value)
        ):
            newest[row.key] = row
    return {key: row.value for key, row in newest.items()}


def usd_price(prices: dict[tuple[str, ...], float], asset: str) -> float | None:
    if asset == "USD":
        return 1.0
    if (direct := prices.get((f"{asset}/USD",))) is not None:
        return direct
    inverse = prices.get((f"USD/{asset}",))
    return None if inverse is None else 1.0 / inverse


def account_value(market: Sequence[Row], held: Sequence[Row], account: str, t: int) -> float | None:
    prices = visible(market, t)
    balances_now = {key[1]: value for key, value in visible(held, t).items() if key[0] == account}
    if not balances_now:
        return None
    total = 0.0
    for asset, balance in balances_now.items():
        price = usd_price(prices, asset)
        if balance != 0 and price is None:
            return None
        total += 0.0 if balance == 0 else balance * (price or 0.0)
    return total


def naive_drawdown(
    market: Sequence[Row], held: Sequence[Row], account: str, t: int
) -> float | None:
    value = account_value(market, held, account, t)
    window = [account_value(market, held, account, s) for s in range(t - LOOKBACK_S + 1, t + 1)]
    known = [v for v in window if v is not None]
    if value is None or not known or max(known) <= 0:
        return None
    return 1.0 - value / max(known)


def naive_depeg(market: Sequence[Row], t: int) -> float | None:
    price = usd_price(visible(market, t), "USDT")
    return None if price is None else abs(price - 1.0)


def same(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)


times = st.integers(0, LAST_S)
delays = st.integers(0, 25)


@st.composite
def rows(
    draw: st.DrawFn,
    keys: st.SearchStrategy[tuple[str, ...]],
    values: st.SearchStrategy[float],
    min_size: int = 0,
) -> list[Row]:
    drawn = draw(st.lists(st.tuples(times, keys, values, delays), min_size=min_size, max_size=12))
    return [Row(ts, key, value, ts + delay) for ts, key, value, delay in drawn]


def prices_of(pair: str) -> st.SearchStrategy[list[Row]]:
    return rows(st.just((pair,)), st.integers(1, 400).map(lambda n: n / 8), min_size=1)


market_rows = st.builds(
    lambda *lists: [row for pair_rows in lists for row in pair_rows],
    prices_of("BTC/USD"),
    prices_of("USD/EUR"),
    prices_of("USDT/USD"),
    rows(st.just(("BTC/ETH",)), st.just(20.0)),  # a cross pair: must never be used
)
balance_rows = rows(
    st.tuples(
        st.sampled_from(["desk_a", "desk_b"]), st.sampled_from(["USD", "BTC", "EUR", "USDT"])
    ),
    st.integers(-2, 40).map(float),
    min_size=1,
)


@settings(max_examples=60, deadline=None)
@given(market=market_rows, held=balance_rows)
def test_each_signal_equals_a_naive_recomputation_from_visible_rows(
    market: list[Row], held: list[Row]
) -> None:
    output = evaluate(ticks(market), balances(held), LIMITS, at(0), at(LAST_S))

    for ts, rule, subject, value in output.signals.select(
        "ts", "rule", "subject", "value"
    ).iter_rows():
        t = int((ts - T0).total_seconds())
        if rule == "portfolio_drawdown":
            expected = naive_drawdown(market, held, subject, t)
        else:
            expected = naive_depeg(market, t)
        assert same(value, expected), (rule, subject, t, value, expected)
    accounts = {row.key[0] for row in held}
    watched = {"USDT"} & {row.key[1] for row in held}
    assert output.signals.height == (LAST_S + 1) * (len(accounts) + len(watched))


@settings(max_examples=60, deadline=None)
@given(market=market_rows, held=balance_rows)
def test_alerts_of_each_level_alternate_raised_then_cleared(
    market: list[Row], held: list[Row]
) -> None:
    output = evaluate(ticks(market), balances(held), LIMITS, at(0), at(LAST_S))

    for *_, events in (
        output.alerts.group_by("rule", "subject", "severity", maintain_order=True)
        .agg("event")
        .iter_rows()
    ):
        assert events == ["raised", "cleared"] * (len(events) // 2) + ["raised"] * (len(events) % 2)
    no_data = output.signals.select(pl.col("value").is_null() == (pl.col("state") == "no_data"))
    assert no_data.to_series().all()
