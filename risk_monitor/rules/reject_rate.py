"""reject_rate: the share of each account's recent orders that the exchange rejected.

value = rejected / orders over the orders first visible in (t − window, t] (see
`order_window.py`), 0 when there are none. Armed only while the window holds at least
`min_orders` orders: one rejection out of two orders says little.
"""

from datetime import timedelta

import numpy as np

from risk_monitor.config_types import Duration, PositiveCount
from risk_monitor.levels import LevelLimits
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.order_window import window_blocks


class RejectRateLimits(LevelLimits):
    """Levels are shares of orders rejected (0.25 = one in four)."""

    window: Duration = timedelta(minutes=5)
    min_orders: PositiveCount = 10


def reject_rate(inputs: RuleInputs, limits: RejectRateLimits) -> SignalBlock:
    """Per evaluation time × account with orders (subject = account_id)."""
    counts = window_blocks(inputs, limits.window)
    orders = counts.orders
    share = counts.rejected.astype(np.float64) / np.where(orders > 0, orders, 1)
    return SignalBlock(
        counts.accounts,
        counts.accounts,
        np.where(orders > 0, share, 0.0),
        np.ones(orders.shape, dtype=bool),
        orders >= limits.min_orders,
    )
