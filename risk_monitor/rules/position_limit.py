"""position_limit: the size of each account's position in each asset, in USD.

value = |Σ balance × USD price| over the account's venues, per account × asset (subject
"<account>:<asset>"). USD itself is the unit of account, not a position, so it has no subject.
Null before any balance of the pair is visible, and while a visible non-zero balance is unpriced.
Levels come from `per_account` and `per_asset` overrides (the lower wins), else the rule's own.
"""

import numpy as np
import polars as pl
from pydantic import Field

from risk_monitor.dense import long_frame
from risk_monitor.levels import RULE_SIGNAL, LevelLimits, Levels
from risk_monitor.prices import USD
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.overrides import with_overrides


class PositionLimitLimits(LevelLimits):
    """Levels are USD amounts of one position; overrides by asset ("BTC") or by account id."""

    per_asset: dict[str, Levels] = Field(default_factory=dict)
    per_account: dict[str, Levels] = Field(default_factory=dict)


def position_limit(inputs: RuleInputs, limits: PositionLimitLimits) -> pl.DataFrame:
    """One row per evaluation time × account × non-USD asset in the balances; RULE_SIGNAL plus
    per-subject levels."""
    book = inputs.book
    account, asset = pl.col("account_id"), pl.col("asset")
    is_position = (book.holdings["asset"] != USD).to_numpy()
    # levels are per subject: set on the few positions, then laid over every time
    positions = with_overrides(
        book.holdings.filter(is_position).select(
            "account_id", "asset", subject=pl.concat_str(account, pl.lit(":"), asset)
        ),
        (asset, limits.per_asset),
        (account, limits.per_account),
    )
    times = book.grid.height

    def per_position(column: str) -> tuple[np.ndarray, np.ndarray]:
        levels = positions[column]
        return (
            np.broadcast_to(levels.fill_null(0.0).to_numpy(), (times, levels.len())),
            np.broadcast_to(levels.is_not_null().to_numpy(), (times, levels.len())),
        )

    worth = book.worth[:, is_position]
    known = book.visible[:, is_position] & book.priced[:, is_position]
    return (
        long_frame(
            book.grid,
            positions.select("subject", "account_id"),
            {
                "value": (np.abs(worth), known),
                "warning_level": per_position("warning_level"),
                "breach_level": per_position("breach_level"),
            },
        )
        .with_columns(armed=pl.lit(True))
        .select(*RULE_SIGNAL.names(), "warning_level", "breach_level")
        .cast(RULE_SIGNAL)
    )
