"""reject_rate: the share of each account's recent orders that the exchange rejected.

value = rejected / orders over the orders first visible in (t − window, t] (see
`order_window.py`), 0 when there are none. Armed only while the window holds at least
`min_orders` orders: one rejection out of two orders says little.
"""

from datetime import timedelta

import polars as pl

from risk_monitor.config_types import Duration, PositiveCount
from risk_monitor.levels import RULE_SIGNAL, LevelLimits
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.order_window import window_counts


class RejectRateLimits(LevelLimits):
    """Levels are shares of orders rejected (0.25 = one in four)."""

    window: Duration = timedelta(minutes=5)
    min_orders: PositiveCount = 10


def reject_rate(inputs: RuleInputs, limits: RejectRateLimits) -> pl.DataFrame:
    """One row per evaluation time × account with orders (subject = account_id); RULE_SIGNAL."""
    orders = pl.col("orders")
    return (
        window_counts(inputs, limits.window)
        .select(
            "ts",
            subject="account_id",
            account_id="account_id",
            value=pl.when(orders > 0).then(pl.col("rejected") / orders).otherwise(0.0),
            armed=orders >= limits.min_orders,
        )
        .cast(RULE_SIGNAL)
    )
