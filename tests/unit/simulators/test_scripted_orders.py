"""Scripted orders expand into the requests the desk sends, on schedule and within the window."""

from datetime import UTC, datetime, timedelta

from scenarios import load_scenario
from simulators.orders import scripted_orders

TEXT = """
id: scripted
title: scripted
market: {start: 2021-05-01T00:00:00Z, duration: 1h, pairs: [BTC/USD]}
accounts:
  - {id: desk_a, venue: exchange, balances: {USD: 1000000}}
orders:
  - {id: dca, at: 10m, every: 15m, account: desk_a, pair: BTC/USD, side: buy, qty: 0.5}
  - {id: bid, at: 5m, account: desk_a, pair: BTC/USD, side: buy, qty: 1, type: limit,
     limit_price: 50000, time_in_force: post_only}
"""


def test_repeating_orders_stop_before_the_window_ends() -> None:
    requests = scripted_orders(load_scenario(TEXT, "scripted.yaml", ["portfolio_drawdown"]))
    start = datetime(2021, 5, 1, tzinfo=UTC)
    assert requests.select("ts", "order_id").rows() == [
        (start + timedelta(minutes=5), "bid-00000"),
        (start + timedelta(minutes=10), "dca-00000"),
        (start + timedelta(minutes=25), "dca-00001"),
        (start + timedelta(minutes=40), "dca-00002"),
        (start + timedelta(minutes=55), "dca-00003"),
    ]
    bid = requests.row(0, named=True)
    assert (bid["order_type"], bid["time_in_force"], bid["limit_price"]) == (
        "limit",
        "post_only",
        50_000.0,
    )
