"""order_rate: how fast each account sends orders, in new orders per minute.

value = orders first visible in (t − window, t] / window in minutes, from prod.exchange_orders
(see `order_window.py`): every order the exchange showed, accepted or rejected, counts once.
Subjects are the accounts with orders; 0 before their first one.
"""

from datetime import timedelta

import polars as pl

from risk_monitor.config_types import Duration
from risk_monitor.levels import RULE_SIGNAL, LevelLimits
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.order_window import window_counts


class OrderRateLimits(LevelLimits):
    """Levels are orders per minute, averaged over the trailing `window`."""

    window: Duration = timedelta(minutes=1)


def order_rate(inputs: RuleInputs, limits: OrderRateLimits) -> pl.DataFrame:
    """One row per evaluation time × account with orders (subject = account_id); RULE_SIGNAL."""
    minutes = limits.window / timedelta(minutes=1)
    return (
        window_counts(inputs, limits.window)
        .select(
            "ts",
            subject="account_id",
            account_id="account_id",
            value=pl.col("orders") / minutes,
            armed=pl.lit(True),
        )
        .cast(RULE_SIGNAL)
    )
