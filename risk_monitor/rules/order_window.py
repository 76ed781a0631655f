"""Orders in a trailing window, per account, from the exchange's order API (prod.exchange_orders).

An order counts at time t if it was first visible (its earliest available_at) in (t − window, t],
once, however many updates it had; it counts as rejected once an update with status `rejected` is
visible by t. Both counts are step functions of t: the orders that entered the window by t less
those that left it by t, each a count of sorted times read at every evaluation time at once
(`dense.visible_count`). No per-time loop.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from risk_monitor.dense import grid_times, visible_count
from risk_monitor.rules.inputs import RuleInputs


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
    span = window // timedelta(microseconds=1)
    by_account = inputs.order_lifecycles.partition_by("account_id", as_dict=True)
    accounts = tuple(sorted(account for (account,) in by_account))
    orders = np.zeros((len(accounts), times.size), dtype=np.int64)
    rejected = np.zeros_like(orders)
    for i, account in enumerate(accounts):
        rows = by_account[(account,)]
        first_seen = np.sort(rows["first_seen"].to_numpy())
        # an order counts from when it was first seen until it leaves the window
        orders[i] = _in_window(times, first_seen, first_seen + span)
        # a rejection counts from when it was seen (not before its order) until the order leaves
        rejects = rows.filter(pl.col("rejected_seen").is_not_null())
        first = rejects["first_seen"].to_numpy()
        since = np.maximum(first, rejects["rejected_seen"].to_numpy())
        counted = since < first + span
        rejected[i] = _in_window(times, np.sort(since[counted]), np.sort(first[counted] + span))
    return WindowBlocks(accounts, np.ascontiguousarray(orders.T), np.ascontiguousarray(rejected.T))


def _in_window(times: np.ndarray, enter: np.ndarray, leave: np.ndarray) -> np.ndarray:
    """At each of `times`: how many entered (`enter`, sorted) and had not left (`leave`, sorted)
    by then."""
    return np.asarray(visible_count(enter, times) - visible_count(leave, times))
