"""Each chaos backdoor: its effect on what a client saw, and the audit record of it."""

import json

import numpy as np
import polars as pl
import pytest

from tests.unit.simulators.exchange.kit import (
    BTC_PRICE,
    SECOND,
    START,
    flat,
    order,
    reference,
    run,
    slippage_bps,
    window,
)


def response_ms(prod_orders: pl.DataFrame) -> np.ndarray:
    delay = prod_orders["available_at"] - prod_orders["ts"]
    return delay.dt.total_microseconds().to_numpy() / 1_000.0


def test_chaos_events_record_each_window_opening_and_closing() -> None:
    spike = window("latency_spike", 60, 120, factor=20)
    result = run(flat(), [], chaos=[spike])
    assert result.chaos_events.rows() == [
        (
            START + 60 * SECOND,
            "exchange",
            "latency_spike_1",
            "latency_spike",
            "start",
            '{"factor": 20}',
        ),
        (
            START + 120 * SECOND,
            "exchange",
            "latency_spike_1",
            "latency_spike",
            "end",
            '{"factor": 20}',
        ),
    ]


def test_latency_spike_slows_order_updates_and_polls() -> None:
    rows = [order(5 + i, f"calm{i}", qty=0.01) for i in range(40)]
    rows += [order(65 + i, f"spike{i}", qty=0.01) for i in range(40)]
    result = run(flat(), rows, chaos=[window("latency_spike", 60, 120, factor=20)])
    prod = result.prod_orders
    calm = response_ms(prod.filter(pl.col("order_id").str.starts_with("calm")))
    spiked = response_ms(prod.filter(pl.col("order_id").str.starts_with("spike")))
    assert np.median(spiked) > 10 * np.median(calm)
    polls = result.api_status.with_columns(
        spiking=pl.col("ts").is_between(START + 60 * SECOND, START + 119 * SECOND)
    )
    slow = np.median(polls.filter("spiking")["latency_ms"].to_numpy())
    usual = np.median(polls.filter(~pl.col("spiking"))["latency_ms"].to_numpy())
    assert slow > 10 * usual


def test_order_entry_latency_rises_with_a_spike() -> None:
    rows = [order(5 + i, f"calm{i}", qty=0.01) for i in range(40)]
    rows += [order(65 + i, f"spike{i}", qty=0.01) for i in range(40)]
    result = run(flat(), rows, chaos=[window("latency_spike", 60, 120, factor=20)])
    accepted = result.order_events.filter(pl.col("status") == "accepted")
    sent = pl.Series(
        [START + (5 + i) * SECOND for i in range(40)]
        + [START + (65 + i) * SECOND for i in range(40)]
    )
    delay = (accepted["ts"] - sent).dt.total_microseconds().to_numpy()
    assert np.median(delay[40:]) > 10 * np.median(delay[:40])


def test_all_orders_rejected_when_the_fraction_is_one() -> None:
    rows = [order(65 + i, f"o{i}", qty=0.01) for i in range(20)] + [order(200, "after", qty=0.01)]
    result = run(flat(), rows, chaos=[window("order_rejects", 60, 120, fraction=1.0)])
    during = result.prod_orders.filter(pl.col("order_id") != "after")
    assert during.select("status", "reason").unique().rows() == [("rejected", "exchange_reject")]
    assert result.fills["order_id"].to_list() == ["after"]
    assert result.chaos_events["kind"].to_list() == ["order_rejects", "order_rejects"]


def test_a_fraction_rejects_about_that_share_the_same_ones_every_run() -> None:
    rows = [order(61 + i * 0.25, f"o{i}", qty=0.01) for i in range(200)]
    chaos = [window("order_rejects", 60, 120, fraction=0.3)]
    first = run(flat(), rows, chaos=chaos).order_events.filter(pl.col("status") == "rejected")
    again = run(flat(), rows, chaos=chaos).order_events.filter(pl.col("status") == "rejected")
    assert 40 <= first.height <= 80
    assert first["order_id"].to_list() == again["order_id"].to_list()


def test_spread_widening_worsens_fills_and_shows_in_the_book() -> None:
    rows = [order(65, "wide", "buy", 0.01), order(200, "normal", "buy", 0.01)]
    result = run(flat(), rows, chaos=[window("spread_widening", 60, 120, factor=10)])
    wide = slippage_bps(result.fills.filter(pl.col("order_id") == "wide"), BTC_PRICE)
    normal = slippage_bps(result.fills.filter(pl.col("order_id") == "normal"), BTC_PRICE)
    # the first buy's impact has all but faded by the second: 135 s is 4.5 half-lives
    assert wide == pytest.approx(10 * normal, rel=1e-4)
    touch = result.book.filter((pl.col("level") == 0) & (pl.col("side") == "ask"))
    opened = touch.filter(pl.col("ts") == START + 60 * SECOND)["price"].item()
    before = touch.filter(pl.col("ts") == START + 50 * SECOND)["price"].item()
    assert opened / BTC_PRICE - 1 == pytest.approx(10 * (before / BTC_PRICE - 1), rel=1e-9)


def test_downtime_rejects_orders_fails_polls_and_leaves_balances_stale() -> None:
    rows = [
        order(5, "rest", "sell", 1.0, kind="limit", limit=BTC_PRICE * 0.99999),
        order(65, "down", "buy", 0.1),
    ]
    result = run(flat(), rows, chaos=[window("downtime", 60, 120)])
    down = result.prod_orders.filter(pl.col("order_id") == "down")
    assert down.select("status", "reason").rows() == [("rejected", "exchange_unavailable")]
    polls = result.api_status.with_columns(
        down=pl.col("ts").is_between(START + 60 * SECOND, START + 119 * SECOND)
    )
    assert polls.filter("down").select("ok", "error").unique().rows() == [
        (False, "HTTP 503 Service Unavailable")
    ]
    assert polls.filter(~pl.col("down"))["ok"].all()
    snapshot_times = result.prod_balances["ts"].unique()
    assert not snapshot_times.is_between(START + 60 * SECOND, START + 119 * SECOND).any()
    assert json.loads(result.chaos_events["params"][0]) == {}


def test_updates_due_during_downtime_arrive_after_it() -> None:
    """A resting sell filled while the API is down: the fill happened (audit) but the client
    only hears of it once the venue is back."""
    prices = np.concatenate([np.full(70, BTC_PRICE), np.full(100, BTC_PRICE * 1.01)])
    rows = [order(5, "rest", "sell", 0.5, kind="limit", limit=BTC_PRICE * 1.005)]
    result = run(reference(prices), rows, chaos=[window("downtime", 60, 120)])
    fill = result.prod_fills.row(0, named=True)
    assert fill["ts"] == START + 70 * SECOND
    assert fill["available_at"] >= START + 120 * SECOND


def test_a_spike_past_the_api_timeout_fails_polls_without_a_snapshot() -> None:
    result = run(flat(), [], chaos=[window("latency_spike", 60, 120, factor=500)])
    failed = result.api_status.filter(~pl.col("ok"))
    assert failed.select("error", "latency_ms").unique().rows() == [("timeout after 10s", 10_000.0)]
    assert failed["ts"].is_between(START + 60 * SECOND, START + 119 * SECOND).all()
    assert not result.prod_balances["ts"].is_in(failed["ts"].implode()).any()


def test_windows_of_other_venues_or_without_their_params_are_refused() -> None:
    with pytest.raises(ValueError, match="not an exchange backdoor"):
        run(flat(), [], chaos=[window("settlement_delay", 60, 120)])
    with pytest.raises(ValueError, match="numeric factor"):
        run(flat(), [], chaos=[window("latency_spike", 60, 120)])
