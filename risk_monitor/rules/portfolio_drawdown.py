"""portfolio_drawdown: how far each account's mark-to-market value is below its recent peak.

V(t) = Σ balance × USD price over the account's balances visible at t. It is unknown (null) until
a balance is visible, and while any visible non-zero balance has no visible price: a partial sum
would look like a loss. value(t) = 1 − V(t) / peak(t), peak = max of V over (t − lookback, t].
"""

import numpy as np
import polars as pl

from risk_monitor.config_types import Duration
from risk_monitor.dense import long_frame
from risk_monitor.levels import LevelLimits
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs


class PortfolioDrawdownLimits(LevelLimits):
    """Levels are fractions of the peak (0.05 = 5% below it); `lookback` bounds the peak's age."""

    lookback: Duration


def portfolio_drawdown(inputs: RuleInputs, limits: PortfolioDrawdownLimits) -> SignalBlock:
    """Per evaluation time × account (subject = account_id)."""
    book = inputs.book
    value, known = book.per_account(book.worth), book.known()
    accounts = pl.DataFrame({"account": pl.int_range(value.shape[1], eager=True)})
    # the peak over a time window of each account's column, as Polars rolls it
    peak = (
        long_frame(book.grid, accounts, {"value": (value, known)})
        .select(pl.col("value").rolling_max_by("ts", window_size=limits.lookback).over("account"))
        .to_series()
    )
    peaked = (peak > 0).fill_null(False).to_numpy().reshape(value.shape)
    peak_values = peak.fill_null(1.0).to_numpy().reshape(value.shape)
    # with no positive peak there is nothing to draw down from: the ratio means nothing
    return book.account_signal(1.0 - value / np.where(peaked, peak_values, 1.0), known & peaked)
