"""stablecoin_depeg: how far each watched stablecoin's USD price is from 1.

Subjects are the configured assets that appear in the balances; value = |USD price − 1|.
The rule is armed only while the firm-wide exposure (Σ visible balances of that asset, in coin
units, which are ≈ USD) is at least `min_exposure_usd`: a depeg of a coin the firm barely holds is
not a risk. Unarmed, the value is still reported but no level is active (state "ok").
"""

import numpy as np
import polars as pl
from pydantic import Field

from risk_monitor.config_types import NonNegative
from risk_monitor.dense import compensated_sum, grid_times
from risk_monitor.levels import LevelLimits
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs


class StablecoinDepegLimits(LevelLimits):
    """Levels are absolute distances from 1 USD (0.01 = one cent)."""

    assets: tuple[str, ...] = Field(min_length=1)
    min_exposure_usd: NonNegative


def stablecoin_depeg(inputs: RuleInputs, limits: StablecoinDepegLimits) -> SignalBlock:
    """Per evaluation time × watched asset held (subject = asset)."""
    watched = set(limits.assets) & set(inputs.assets_in_balances(held_only=False))
    inputs.usd_quotes.require(watched)
    balances, times = inputs.balances, grid_times(inputs.grid)
    # assets in the order they first appear among the sorted balance keys
    assets = (
        balances.keys.filter(pl.col("asset").is_in(watched))
        .select("asset")
        .unique(maintain_order=True)
    )
    exposure, value, priced = [], [], []
    for asset in assets["asset"]:
        held = balances.columns_of(asset=asset)
        # a sum of no visible balances is 0: nothing known means no exposure
        exposure.append(
            compensated_sum(
                [balances.balance[:, k] for k in held], [balances.seen[:, k] for k in held]
            )
        )
        price, quoted = inputs.usd_quotes.on_grid(times, asset)
        value.append(np.abs(price - 1.0))
        priced.append(quoted)
    return SignalBlock(
        tuple(assets["asset"]),
        (None,) * assets.height,  # a coin's peg matters to every mandate
        _matrix(value, times.size),
        _matrix(priced, times.size, bool),
        _matrix(exposure, times.size) >= limits.min_exposure_usd,
    )


def _matrix(columns: list[np.ndarray], times: int, dtype: type = np.float64) -> np.ndarray:
    return np.column_stack(columns) if columns else np.zeros((times, 0), dtype=dtype)
