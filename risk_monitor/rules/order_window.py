"""Orders in a trailing window, per account, from the exchange's order API (prod.exchange_orders).

An order counts at time t if it was first visible (its earliest available_at) in (t − window, t],
once, however many updates it had; it counts as rejected once an update with status `rejected` is
visible by t. Both counts are step functions of t: +1 when an order enters the window (or its
rejection is seen), −1 when it leaves, summed and accumulated at the change points, then read at
each evaluation time with one as-of join. No per-time loop.
"""

from datetime import timedelta

import polars as pl

from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.schemas import UTC_US

WINDOW_COUNTS = pl.Schema(
    {"ts": UTC_US, "account_id": pl.String(), "orders": pl.Int64(), "rejected": pl.Int64()}
)


def _lifecycles(orders: pl.DataFrame) -> pl.DataFrame:
    """One row per order_id: account_id (of its first visible update), first_seen, rejected_seen
    (null if never rejected)."""
    seen = pl.col("available_at")
    return (
        orders.sort("order_id", "available_at", "ts", "status")
        .group_by("order_id", maintain_order=True)
        .agg(
            pl.col("account_id").first(),
            first_seen=seen.min(),
            rejected_seen=seen.filter(pl.col("status") == "rejected").min(),
        )
    )


def _steps(lifecycles: pl.DataFrame, window: timedelta) -> pl.DataFrame:
    """account_id, at, orders, rejected: the counts from `at` until the account's next change."""
    leaves = pl.col("first_seen") + window
    rejected_from = pl.max_horizontal("first_seen", "rejected_seen")
    rejected = lifecycles.filter(pl.col("rejected_seen").is_not_null(), rejected_from < leaves)
    changes = [
        lifecycles.select("account_id", at="first_seen", orders=pl.lit(1), rejected=pl.lit(0)),
        lifecycles.select("account_id", at=leaves, orders=pl.lit(-1), rejected=pl.lit(0)),
        rejected.select("account_id", at=rejected_from, orders=pl.lit(0), rejected=pl.lit(1)),
        rejected.select("account_id", at=leaves, orders=pl.lit(0), rejected=pl.lit(-1)),
    ]
    return (
        pl.concat(changes)
        .group_by("account_id", "at")
        .agg(pl.col("orders", "rejected").sum())
        .sort("account_id", "at")
        .with_columns(pl.col("orders", "rejected").cum_sum().over("account_id"))
    )


def window_counts(inputs: RuleInputs, window: timedelta) -> pl.DataFrame:
    """WINDOW_COUNTS: every evaluation time × account with orders, ordered by account, then ts."""
    lifecycles = _lifecycles(inputs.exchange_orders)
    if lifecycles.is_empty():
        return WINDOW_COUNTS.to_frame()
    accounts = lifecycles.select("account_id").unique().sort("account_id")
    on_grid = accounts.join(inputs.grid, how="cross").sort("account_id", "ts")
    return (
        on_grid.join_asof(
            _steps(lifecycles, window),
            left_on="ts",
            right_on="at",
            by="account_id",
            strategy="backward",
            check_sortedness=False,  # both sorted by ts within account, as join_asof needs
        )
        .select("ts", "account_id", pl.col("orders", "rejected").fill_null(0))
        .cast(WINDOW_COUNTS)
    )
