"""Each order's lifecycle as the exchange's order API (prod.exchange_orders) showed it: the
window rules (order_rate, reject_rate) count orders by it."""

import polars as pl


def order_lifecycles(orders: pl.DataFrame) -> pl.DataFrame:
    """One row per order_id, in no particular order: account_id (of its first visible update),
    first_seen, rejected_seen (null if never rejected), times in µs."""
    seen = pl.col("available_at").dt.epoch("us")
    return orders.group_by("order_id").agg(
        pl.col("account_id").sort_by("available_at", "ts", "status").first(),
        first_seen=seen.min(),
        rejected_seen=seen.filter(pl.col("status") == "rejected").min(),
    )
