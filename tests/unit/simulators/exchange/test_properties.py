"""Invariants over random order flow, checked after every event through the step API."""

from typing import Any

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.exchange import Exchange
from tests.unit.simulators.exchange.kit import (
    BTC_PRICE,
    START,
    at_us,
    exchange,
    order,
    run,
    send,
    walk,
)

ACCOUNTS = {
    "a": {"USD": 2_000_000.0, "BTC": 20.0},
    "b": {"USD": 500_000.0, "BTC": 50.0},
}
SECONDS = 240


@st.composite
def order_flow(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=25))
    rows = []
    for i in range(count):
        kind = draw(st.sampled_from(["market", "limit", "limit", "limit", "cancel"]))
        at = draw(st.floats(min_value=0.0, max_value=SECONDS - 30, allow_nan=False))
        account = draw(st.sampled_from(sorted(ACCOUNTS)))
        side = draw(st.sampled_from(["buy", "sell"]))
        qty = draw(st.floats(min_value=0.001, max_value=8.0, allow_nan=False))
        if kind == "cancel":
            target = f"o{draw(st.integers(min_value=0, max_value=count - 1))}"
            rows.append(order(at, target, account=account, kind="", action="cancel"))
            continue
        tif = draw(st.sampled_from(["gtc", "ioc", "post_only"]))
        offset_bps = draw(st.floats(min_value=-15.0, max_value=15.0, allow_nan=False))
        limit = BTC_PRICE * (1 + offset_bps * 1e-4) if kind == "limit" else None
        rows.append(order(at, f"o{i}", side, qty, kind=kind, tif=tif, limit=limit, account=account))
    return sorted(rows, key=lambda r: r["ts"])


def check_invariants(venue: Exchange, opening: dict[str, float]) -> None:
    book = venue.client_book("BTC/USD")
    bid, ask = book.best("buy"), book.best("sell")
    assert bid is None or ask is None or bid.price < ask.price, "client book crossed"
    totals, gross = venue.ledger.totals(), venue.ledger.gross()
    for asset, total in opening.items():
        # Conservation per asset over clients, the fee account and the synthetic market:
        # float error is bounded relative to the gross amount in play.
        assert abs(totals[asset] - total) <= 1e-9 * max(gross[asset], 1.0), asset
    for (account, asset), balance in venue.ledger.balances().items():
        if account in ACCOUNTS:
            assert balance >= -1e-9 * max(gross[asset], 1.0), (account, asset, balance)


@settings(max_examples=40, deadline=None)
@given(flow=order_flow(), seed=st.integers(min_value=0, max_value=2**16))
def test_invariants_hold_after_every_event(flow: list[dict[str, Any]], seed: int) -> None:
    venue = exchange(walk(SECONDS, seed, step=3e-4), ACCOUNTS, seed=seed)
    opening = {"USD": 2_500_000.0, "BTC": 70.0}
    for row in flow:
        send(venue, row)
        check_invariants(venue, opening)
    for second in range(0, SECONDS, 10):
        venue.advance_us(max(at_us(second), venue.clock_us))
        check_invariants(venue, opening)
    venue.advance_us(max(at_us(SECONDS), venue.clock_us, venue.pending_until or 0))
    check_invariants(venue, opening)

    fills = venue.records.fills_frame()
    asked = {row["order_id"]: row["qty"] for row in flow if row["action"] == "new"}
    for order_id, filled in fills.group_by("order_id").agg(pl.col("qty").sum()).iter_rows():
        assert filled <= asked[order_id] * (1 + 1e-9)
    events = venue.records.events_frame()
    final = events.group_by("order_id").agg(pl.col("filled_qty").max())
    for order_id, filled in final.iter_rows():
        if order_id in asked:
            assert filled <= asked[order_id] * (1 + 1e-9)


@settings(max_examples=20, deadline=None)
@given(flow=order_flow(), seed=st.integers(min_value=0, max_value=2**16))
def test_audit_balances_net_to_zero_at_every_instant(flow: list[dict[str, Any]], seed: int) -> None:
    """From the audit frames alone: at every instant a balance changed, each asset's changes
    across all accounts (clients, fees, the synthetic market) sum to zero."""
    result = run(walk(SECONDS, seed, step=3e-4), flow, ACCOUNTS, seed=seed)
    truth = pl.concat([result.balances, result.house_balances]).sort("ts", maintain_order=True)
    moves = truth.with_columns(
        delta=pl.col("balance")
        - pl.col("balance").shift(1).over("account_id", "asset").fill_null(0.0)
    ).filter(pl.col("ts") > START)
    net = moves.group_by("ts", "asset").agg(pl.col("delta").sum(), pl.col("balance").abs().sum())
    scale = np.maximum(net["balance"].to_numpy(), 1.0)
    assert (np.abs(net["delta"].to_numpy()) <= 1e-9 * scale).all()
