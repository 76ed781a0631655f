"""position_limit: the size of each account's position in each asset, in USD.

value = |Σ balance × USD price| over the account's venues, per account × asset (subject
"<account>:<asset>"). USD itself is the unit of account, not a position, so it has no subject.
Null before any balance of the pair is visible, and while a visible non-zero balance is unpriced.
Levels come from `per_account` and `per_asset` overrides (the lower wins), else the rule's own.
"""

import polars as pl
from pydantic import Field

from risk_monitor.levels import RULE_SIGNAL, LevelLimits, Levels
from risk_monitor.rules.inputs import RuleInputs, is_usd
from risk_monitor.rules.overrides import with_overrides


class PositionLimitLimits(LevelLimits):
    """Levels are USD amounts of one position; overrides by asset ("BTC") or by account id."""

    per_asset: dict[str, Levels] = Field(default_factory=dict)
    per_account: dict[str, Levels] = Field(default_factory=dict)


def position_limit(inputs: RuleInputs, limits: PositionLimitLimits) -> pl.DataFrame:
    """One row per evaluation time × account × non-USD asset in the balances; RULE_SIGNAL plus
    per-subject levels."""
    account, asset = pl.col("account_id"), pl.col("asset")
    positions = inputs.asset_worth.filter(~is_usd(asset)).select(
        "ts",
        "account_id",
        "asset",
        subject=pl.concat_str(account, pl.lit(":"), asset),
        value=pl.when(pl.col("visible") & pl.col("priced")).then(pl.col("worth").abs()),
        armed=pl.lit(True),
    )
    return (
        with_overrides(positions, (asset, limits.per_asset), (account, limits.per_account))
        .select(*RULE_SIGNAL.names(), "warning_level", "breach_level")
        .cast(RULE_SIGNAL)
    )
