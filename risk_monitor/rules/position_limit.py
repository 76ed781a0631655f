"""position_limit: the size of each account's position in each asset, in USD.

value = |Σ balance × USD price| over the account's venues, per account × asset (subject
"<account>:<asset>"). USD itself is the unit of account, not a position, so it has no subject.
Null before any balance of the pair is visible, and while a visible non-zero balance is unpriced.
Levels come from `per_account` and `per_asset` overrides (the lower wins), else the rule's own.
"""

import numpy as np
import polars as pl
from pydantic import Field

from risk_monitor.levels import LevelLimits, Levels
from risk_monitor.prices import USD
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.overrides import with_overrides


class PositionLimitLimits(LevelLimits):
    """Levels are USD amounts of one position; overrides by asset ("BTC") or by account id."""

    per_asset: dict[str, Levels] = Field(default_factory=dict)
    per_account: dict[str, Levels] = Field(default_factory=dict)


def position_limit(inputs: RuleInputs, limits: PositionLimitLimits) -> SignalBlock:
    """Per evaluation time × account × non-USD asset in the balances, with per-subject
    levels."""
    book = inputs.book
    account, asset = pl.col("account_id"), pl.col("asset")
    is_position = (book.holdings["asset"] != USD).to_numpy()
    positions = with_overrides(
        book.holdings.filter(is_position).select(
            "account_id", "asset", subject=pl.concat_str(account, pl.lit(":"), asset)
        ),
        (asset, limits.per_asset),
        (account, limits.per_account),
    )
    worth = book.worth[:, is_position]
    return SignalBlock(
        tuple(positions["subject"]),
        tuple(positions["account_id"]),
        np.abs(worth),
        book.visible[:, is_position] & book.priced[:, is_position],
        np.ones(worth.shape, dtype=bool),
        warning_level=tuple(positions["warning_level"]),
        breach_level=tuple(positions["breach_level"]),
    )
