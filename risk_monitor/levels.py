"""Warning and breach levels with hysteresis: turning a rule's signal into level states.

Each level is a Schmitt trigger: it turns on when value >= level (and the rule is armed) and, once
on, turns off only when value < level × clear_ratio (or the rule is disarmed). Between the two it
keeps its previous state, so a value hovering around a level raises one alert, not one per tick.
"""

from types import MappingProxyType
from typing import Final

import polars as pl
from pydantic import ValidationInfo, field_validator

from risk_monitor.config_types import ConfigModel, NonNegative, Ratio
from risk_monitor.schemas import UTC_US

LEVELS: Final = ("warning", "breach")
SEVERITY: Final = MappingProxyType({"warning": "medium", "breach": "high"})

# A rule's raw signal: one row per evaluation time × subject, ts ascending within each subject.
# `armed` says whether the rule may raise at all (e.g. stablecoin exposure is material).
RULE_SIGNAL = pl.Schema(
    {"ts": UTC_US, "subject": pl.String(), "value": pl.Float64(), "armed": pl.Boolean()}
)
# The signal with its levels applied: the signals table and the alerts are both derived from it.
LEVELLED = pl.Schema(
    {
        "ts": UTC_US,
        "rule": pl.String(),
        "subject": pl.String(),
        "value": pl.Float64(),
        "armed": pl.Boolean(),
        "warning_level": pl.Float64(),
        "breach_level": pl.Float64(),
        "clear_ratio": pl.Float64(),
        "warning_active": pl.Boolean(),
        "breach_active": pl.Boolean(),
        "state": pl.String(),
    }
)


class LevelLimits(ConfigModel):
    """The levels every rule has. A value at or above a level triggers it."""

    # breach is declared (hence validated) before warning so warning's check can compare to it
    breach: NonNegative
    warning: NonNegative
    clear_ratio: Ratio = 0.8

    @field_validator("warning")
    @classmethod
    def _warning_not_above_breach(cls, warning: float, info: ValidationInfo) -> float:
        breach = info.data.get("breach")
        if breach is not None and warning > breach:
            raise ValueError(f"must not exceed breach ({breach}), got {warning}")
        return warning


def _level_active(level: float, clear_ratio: float) -> pl.Expr:
    value, armed = pl.col("value"), pl.col("armed")
    turns_on = armed & (value >= level)
    turns_off = ~armed | (value < level * clear_ratio)
    # between the two (or with no value yet) the level keeps its state: null, then forward fill
    return (
        pl.when(turns_on)
        .then(True)
        .when(turns_off)
        .then(False)
        .otherwise(None)
        .forward_fill()
        .over("subject")
        .fill_null(False)
    )


def apply_levels(rule_signal: pl.DataFrame, rule: str, limits: LevelLimits) -> pl.DataFrame:
    """Add the level configuration, each level's on/off state and the row's state (LEVELLED)."""
    warning_active, breach_active = pl.col("warning_active"), pl.col("breach_active")
    return rule_signal.with_columns(
        rule=pl.lit(rule, pl.String),
        warning_level=pl.lit(limits.warning, pl.Float64),
        breach_level=pl.lit(limits.breach, pl.Float64),
        clear_ratio=pl.lit(limits.clear_ratio, pl.Float64),
        warning_active=_level_active(limits.warning, limits.clear_ratio),
        breach_active=_level_active(limits.breach, limits.clear_ratio),
    ).select(
        *(name for name in LEVELLED.names() if name != "state"),
        state=pl.when(pl.col("value").is_null())
        .then(pl.lit("no_data"))
        .when(breach_active)
        .then(pl.lit("breach"))
        .when(warning_active)
        .then(pl.lit("warning"))
        .otherwise(pl.lit("ok")),
    )
