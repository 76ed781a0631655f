"""Orders in a trailing window, per account, from the exchange's order API (prod.exchange_orders).

An order counts at time t if it was first visible (its earliest available_at) in (t − window, t],
once, however many updates it had; it counts as rejected once an update with status `rejected` is
visible by t. Both counts are step functions of t: +1 when an order enters the window (or its
rejection is seen), −1 when it leaves, summed and accumulated at the change points, then read at
each evaluation time with one as-of lookup. No per-time loop.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from risk_monitor.dense import grid_times, step_on_grid
from risk_monitor.rules.inputs import RuleInputs


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


@dataclass(frozen=True, eq=False)
class WindowBlocks:
    """The window counts as time × account matrices (accounts with orders, sorted)."""

    accounts: tuple[str, ...]
    orders: np.ndarray
    rejected: np.ndarray


def window_blocks(inputs: RuleInputs, window: timedelta) -> WindowBlocks:
    """Per evaluation time × account with orders: orders and rejected in the window, 0 before
    the account's first order."""
    times = grid_times(inputs.grid)
    lifecycles = _lifecycles(inputs.exchange_orders)
    steps = _steps(lifecycles, window) if not lifecycles.is_empty() else None
    accounts = tuple(sorted(lifecycles["account_id"].unique()))
    orders = np.zeros((times.size, len(accounts)), dtype=np.int64)
    rejected = np.zeros_like(orders)
    if steps is not None:
        by_account = steps.partition_by("account_id", as_dict=True)
        for i, account in enumerate(accounts):
            rows = by_account[(account,)]  # sorted by `at`, one row per change
            at = rows["at"].dt.epoch("us").to_numpy()
            counts, seen = step_on_grid(times, at, rows["orders"].to_numpy())
            orders[:, i] = np.where(seen, counts, 0)
            counts, seen = step_on_grid(times, at, rows["rejected"].to_numpy())
            rejected[:, i] = np.where(seen, counts, 0)
    return WindowBlocks(accounts, orders, rejected)
