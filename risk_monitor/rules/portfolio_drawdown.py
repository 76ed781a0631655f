"""portfolio_drawdown: how far each account's mark-to-market value is below its recent peak.

V(t) = Σ balance × USD price over the account's balances visible at t. It is unknown (null) until
a balance is visible, and while any visible non-zero balance has no visible price: a partial sum
would look like a loss. value(t) = 1 − V(t) / peak(t), peak = max of V over (t − lookback, t].
"""

from datetime import timedelta

import numpy as np
import polars as pl

from risk_monitor.config_types import Duration
from risk_monitor.dense import grid_times, long_frame
from risk_monitor.levels import LevelLimits
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.trailing import trailing_max


class PortfolioDrawdownLimits(LevelLimits):
    """Levels are fractions of the peak (0.05 = 5% below it); `lookback` bounds the peak's age."""

    lookback: Duration


def portfolio_drawdown(inputs: RuleInputs, limits: PortfolioDrawdownLimits) -> SignalBlock:
    """Per evaluation time × account (subject = account_id)."""
    book = inputs.book
    value, known = book.per_account(book.worth), book.known()
    window = limits.lookback // timedelta(microseconds=1)
    rolled = trailing_max(grid_times(book.grid), value, known, window)
    peak, seen = (
        _rolled_by_polars(book.grid, value, known, limits.lookback) if rolled is None else rolled
    )
    peaked = seen & (peak > 0)
    # with no positive peak there is nothing to draw down from: the ratio means nothing
    return book.account_signal(1.0 - value / np.where(peaked, peak, 1.0), known & peaked)


def _rolled_by_polars(
    grid: pl.DataFrame, value: np.ndarray, known: np.ndarray, lookback: timedelta
) -> tuple[np.ndarray, np.ndarray]:
    """The peak over the lookback of each account's column, and whether there is one, as Polars
    rolls it: for values `trailing_max` does not take."""
    accounts = pl.DataFrame({"account": pl.int_range(value.shape[1], eager=True)})
    peak = (
        long_frame(grid, accounts, {"value": (value, known)})
        .select(pl.col("value").rolling_max_by("ts", window_size=lookback).over("account"))
        .to_series()
    )
    seen = peak.is_not_null().to_numpy().reshape(value.shape)
    return peak.fill_null(1.0).to_numpy().reshape(value.shape), seen
