"""portfolio_drawdown: how far each account's mark-to-market value is below its recent peak.

V(t) = Σ balance × USD price over the account's balances visible at t. It is unknown (null) until
a balance is visible, and while any visible non-zero balance has no visible price: a partial sum
would look like a loss. value(t) = 1 − V(t) / peak(t), peak = max of V over (t − lookback, t].
"""

import polars as pl

from risk_monitor.config_types import Duration
from risk_monitor.levels import RULE_SIGNAL, LevelLimits
from risk_monitor.rules.inputs import RuleInputs


class PortfolioDrawdownLimits(LevelLimits):
    """Levels are fractions of the peak (0.05 = 5% below it); `lookback` bounds the peak's age."""

    lookback: Duration


def _account_values(inputs: RuleInputs) -> pl.DataFrame:
    """ts × account_id → value (null while not fully known), ordered by ts, then account."""
    book = inputs.book
    return book.account_frame(value=(book.per_account(book.worth), book.known()))


def portfolio_drawdown(inputs: RuleInputs, limits: PortfolioDrawdownLimits) -> pl.DataFrame:
    """One row per evaluation time × account (subject = account_id); RULE_SIGNAL."""
    value = pl.col("value")
    peak = value.rolling_max_by("ts", window_size=limits.lookback).over("account_id")
    return (
        _account_values(inputs)
        .with_columns(peak=peak)
        .select(
            "ts",
            subject="account_id",
            account_id="account_id",
            # with no positive peak there is nothing to draw down from: the ratio means nothing
            value=pl.when(pl.col("peak") > 0).then(1.0 - value / pl.col("peak")),
            armed=pl.lit(True),
        )
        .cast(RULE_SIGNAL)
    )
