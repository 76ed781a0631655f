"""stablecoin_depeg: how far each watched stablecoin's USD price is from 1.

Subjects are the configured assets that appear in the balances; value = |USD price − 1|.
The rule is armed only while the firm-wide exposure (Σ visible balances of that asset, in coin
units, which are ≈ USD) is at least `min_exposure_usd`: a depeg of a coin the firm barely holds is
not a risk. Unarmed, the value is still reported but no level is active (state "ok").
"""

import polars as pl
from pydantic import Field

from risk_monitor.config_types import NonNegative
from risk_monitor.levels import RULE_SIGNAL, LevelLimits
from risk_monitor.rules.inputs import RuleInputs


class StablecoinDepegLimits(LevelLimits):
    """Levels are absolute distances from 1 USD (0.01 = one cent)."""

    assets: tuple[str, ...] = Field(min_length=1)
    min_exposure_usd: NonNegative


def stablecoin_depeg(inputs: RuleInputs, limits: StablecoinDepegLimits) -> pl.DataFrame:
    """One row per evaluation time × watched asset (subject = asset); RULE_SIGNAL."""
    watched = set(limits.assets) & set(inputs.assets_in_balances(held_only=False))
    inputs.usd_quotes.require(watched)
    exposure = (
        inputs.visible_balances.filter(pl.col("asset").is_in(watched))
        # a sum of no visible balances is 0: nothing known means no exposure
        .group_by("ts", "asset", maintain_order=True)
        .agg(exposure=pl.col("balance").sum())
    )
    return (
        inputs.usd_quotes.attach(exposure)
        .select(
            "ts",
            subject="asset",
            account_id=pl.lit(None, pl.String),  # a coin's peg matters to every mandate
            value=(pl.col("usd_price") - 1.0).abs(),
            armed=pl.col("exposure") >= limits.min_exposure_usd,
        )
        .cast(RULE_SIGNAL)
    )
