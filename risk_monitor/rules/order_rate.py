"""order_rate: how fast each account sends orders, in new orders per minute.

value = orders first visible in (t − window, t] / window in minutes, from prod.exchange_orders
(see `order_window.py`): every order the exchange showed, accepted or rejected, counts once.
Subjects are the accounts with orders; 0 before their first one.
"""

from datetime import timedelta

import numpy as np
import polars as pl

from risk_monitor.config_types import Duration
from risk_monitor.levels import LevelLimits
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.order_window import window_blocks


class OrderRateLimits(LevelLimits):
    """Levels are orders per minute, averaged over the trailing `window`."""

    window: Duration = timedelta(minutes=1)


def order_rate(inputs: RuleInputs, limits: OrderRateLimits) -> SignalBlock:
    """Per evaluation time × account with orders (subject = account_id)."""
    minutes = limits.window / timedelta(minutes=1)
    counts = window_blocks(inputs, limits.window)
    # divided by the Polars expression over the same rows: a column divided by a number is
    # multiplied by its reciprocal, which can differ from numpy's division in the last bit
    rates = pl.DataFrame({"orders": counts.orders.reshape(-1)}).select(pl.col("orders") / minutes)
    value = rates.to_series().to_numpy().reshape(counts.orders.shape)
    return SignalBlock(
        counts.accounts,
        counts.accounts,
        value,
        np.ones(value.shape, dtype=bool),
        np.ones(value.shape, dtype=bool),
    )
