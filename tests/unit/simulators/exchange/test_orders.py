"""Order types, cancels and rejects, one behaviour per test."""

import numpy as np
import polars as pl
import pytest

from simulators.exchange import ExchangeConfig
from tests.unit.simulators.exchange.kit import (
    BTC_PRICE,
    PAIR,
    cancel,
    candles,
    flat,
    order,
    reference,
    run,
)

TOUCH_ASK = BTC_PRICE * (1 + 0.75e-4)  # half-spread from the real BTC candles, about


def statuses(events: pl.DataFrame, order_id: str) -> list[tuple[str, str | None]]:
    rows = events.filter(pl.col("order_id") == order_id).select("status", "reason").rows()
    return [(status, reason) for status, reason in rows]


def test_a_buy_beyond_the_balance_is_rejected_with_its_reason() -> None:
    result = run(flat(), [order(5, "big", "buy", 2.0)], {"desk": {"USD": 100_000.0}})
    assert statuses(result.order_events, "big") == [("rejected", "insufficient_balance")]
    assert result.fills.is_empty()
    assert result.balances["balance"].to_list() == [100_000.0]


def test_a_sell_of_more_than_held_is_rejected() -> None:
    result = run(flat(), [order(5, "s", "sell", 1.5)], {"desk": {"BTC": 1.0}})
    assert statuses(result.order_events, "s") == [("rejected", "insufficient_balance")]


def test_resting_orders_hold_funds_so_a_second_order_cannot_spend_them() -> None:
    held = [
        order(5, "rest", "buy", 1.0, kind="limit", limit=50_000.0),
        order(6, "next", "buy", 1.0, kind="limit", limit=50_000.0),
    ]
    result = run(flat(), held, {"desk": {"USD": 60_000.0}})
    assert statuses(result.order_events, "rest") == [("accepted", None)]
    assert statuses(result.order_events, "next") == [("rejected", "insufficient_balance")]


def test_post_only_that_would_cross_is_rejected() -> None:
    rows = [
        order(5, "crossing", "buy", 1.0, kind="limit", tif="post_only", limit=TOUCH_ASK * 1.001),
        order(6, "resting", "buy", 1.0, kind="limit", tif="post_only", limit=BTC_PRICE * 0.999),
    ]
    result = run(flat(), rows)
    assert statuses(result.order_events, "crossing") == [("rejected", "post_only_would_cross")]
    assert statuses(result.order_events, "resting") == [("accepted", None)]
    assert result.fills.is_empty()


def test_ioc_remainder_is_cancelled() -> None:
    # Inside the first two levels only (0.754 + 1.508 BTC), so 10 BTC leaves a remainder.
    limit = TOUCH_ASK * (1 + 0.8e-4)
    result = run(flat(), [order(5, "ioc", "buy", 10.0, kind="limit", tif="ioc", limit=limit)])
    assert [s for s, _ in statuses(result.order_events, "ioc")] == [
        "accepted",
        "partially_filled",
        "cancelled",
    ]
    assert statuses(result.order_events, "ioc")[-1][1] == "ioc_remainder"
    assert result.fills["qty"].sum() == pytest.approx(0.754208 * 3, rel=1e-5)
    assert (result.fills["price"] <= limit).all()


def test_gtc_rests_then_fills_as_maker_when_the_market_comes_to_it() -> None:
    prices = np.concatenate([np.full(60, 100.0), np.full(60, 99.0)])
    limit = 99.5
    result = run(
        reference(prices),
        [order(10, "bid", "buy", 1.0, kind="limit", limit=limit)],
        source=_candles_at(100.0),
    )
    events = result.order_events.filter(pl.col("order_id") == "bid")
    assert events["status"].to_list() == ["accepted", "filled"]
    fill = result.fills.row(0, named=True)
    assert (fill["price"], fill["qty"], fill["liquidity"]) == (limit, 1.0, "maker")
    assert fill["ts"] == reference(prices)["ts"][60]  # the first tick whose ask reached the bid
    assert fill["fee"] == pytest.approx(limit * 2e-4)


def test_a_resting_order_larger_than_the_crossing_levels_fills_over_several_ticks() -> None:
    """Liquidity limit: each tick refills the synthetic levels, and a tick gives no more than
    the levels at or inside the resting price."""
    prices = np.concatenate([np.full(30, 100.0), np.full(60, 99.9)])
    result = run(
        reference(prices),
        [order(5, "bid", "buy", 50.0, kind="limit", limit=99.92)],
        source=_candles_at(100.0, volume=60.0),  # 1 unit per second at the top level
    )
    per_tick = result.fills.group_by("ts").agg(pl.col("qty").sum()).sort("ts")
    assert per_tick.height > 1
    # 99.9 × (1 + 0.75 bps) × (1.000075)^i <= 99.92 holds for levels 0 and 1: 1 + 2 units.
    assert per_tick["qty"].max() == pytest.approx(3.0)
    assert result.fills["qty"].sum() == pytest.approx(50.0)


def test_cancel_removes_a_resting_order_and_frees_its_funds() -> None:
    rows = [
        order(5, "rest", "buy", 1.0, kind="limit", limit=50_000.0),
        cancel(20, "rest"),
        order(30, "after", "buy", 1.0, kind="limit", limit=50_000.0),
    ]
    result = run(flat(), rows, {"desk": {"USD": 60_000.0}})
    assert statuses(result.order_events, "rest") == [
        ("accepted", None),
        ("cancelled", "client_cancel"),
    ]
    assert statuses(result.order_events, "after") == [("accepted", None)]


def test_cancels_of_unknown_or_closed_orders_are_rejected() -> None:
    rows = [order(5, "done", "buy", 0.1), cancel(20, "done"), cancel(21, "never")]
    events = run(flat(), rows).order_events.filter(pl.col("action") == "cancel")
    assert events.select("order_id", "status", "reason").rows() == [
        ("done", "rejected", "order_not_open"),
        ("never", "rejected", "unknown_order"),
    ]


def test_unknown_pairs_and_unreadable_orders_are_rejected() -> None:
    rows = [
        order(5, "pair", pair="DOGE/USD"),
        order(6, "qty", qty=-1.0),
        order(7, "limitless", kind="limit", limit=None),
    ]
    events = run(flat(), rows).order_events
    assert events.select("order_id", "reason").rows() == [
        ("pair", "unknown_pair"),
        ("qty", "invalid_order"),
        ("limitless", "invalid_order"),
    ]


def test_fees_are_charged_in_quote_to_the_fee_account() -> None:
    config = ExchangeConfig(taker_fee_bps=5.0)
    result = run(flat(), [order(5, "o", "buy", 0.5)], config=config)
    fill = result.fills.row(0, named=True)
    assert fill["fee_asset"] == "USD"
    assert fill["fee"] == pytest.approx(fill["price"] * 0.5 * 5e-4)
    fees = result.house_balances.filter(pl.col("account_id") == "exchange:fees")
    assert fees["balance"].to_list() == [pytest.approx(fill["fee"])]


def test_client_orders_trade_with_each_other_first_at_a_better_price() -> None:
    rows = [
        order(5, "ask", "sell", 0.5, kind="limit", limit=BTC_PRICE, account="maker"),
        order(10, "buy", "buy", 1.0, account="taker"),
    ]
    holdings = {"maker": {"BTC": 1.0}, "taker": {"USD": 1e6}}
    fills = run(flat(), rows, holdings).fills
    between = fills.filter(pl.col("price") == BTC_PRICE)
    assert sorted(between.select("order_id", "liquidity").rows()) == [
        ("ask", "maker"),
        ("buy", "taker"),
    ]
    assert fills.filter(pl.col("order_id") == "buy")["qty"].sum() == pytest.approx(1.0)


def _candles_at(price: float, volume: float = 1_000.0) -> pl.DataFrame:
    return candles(pair=PAIR, price=price, volume=volume)
