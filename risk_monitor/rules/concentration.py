"""concentration: the share of each account's gross value held in its largest single asset.

value = max |worth of one non-USD asset| / Σ |worth of every asset, USD included|, in [0, 1];
worth is balance × USD price over the account's venues. Cash in USD dilutes concentration but is
never itself the concentrated asset. Armed only while the gross value is at least
`min_gross_usd`: a nearly empty account is trivially concentrated. Null while the value is not
fully known (as for portfolio_drawdown) or the account is empty.
"""

import polars as pl

from risk_monitor.config_types import NonNegative
from risk_monitor.levels import RULE_SIGNAL, LevelLimits
from risk_monitor.rules.inputs import RuleInputs, account_totals, is_usd


class ConcentrationLimits(LevelLimits):
    """Levels are shares of gross value (0.6 = 60% in one asset)."""

    min_gross_usd: NonNegative = 0.0


def concentration(inputs: RuleInputs, limits: ConcentrationLimits) -> pl.DataFrame:
    """One row per evaluation time × account (subject = account_id); RULE_SIGNAL."""
    size = pl.col("worth").abs()
    totals = account_totals(
        inputs.asset_worth,
        gross=size.sum(),
        largest=size.filter(~is_usd(pl.col("asset"))).max(),
    )
    gross = pl.col("gross")
    return totals.select(
        "ts",
        subject="account_id",
        account_id="account_id",
        value=pl.when(gross > 0).then(pl.col("largest").fill_null(0.0) / gross),
        armed=gross.fill_null(0.0) >= limits.min_gross_usd,
    ).cast(RULE_SIGNAL)
