"""Warning and breach levels with hysteresis: turning a rule's signal into level states.

Each level is a Schmitt trigger: it turns on when value >= level (and the rule is armed) and, once
on, turns off only when value < level × clear_ratio (or the rule is disarmed). Between the two it
keeps its previous state, so a value hovering around a level raises one alert, not one per tick.
"""

from types import MappingProxyType
from typing import ClassVar, Final

import polars as pl
from pydantic import ValidationInfo, field_validator

from risk_monitor.config_types import ConfigModel, DurationSeconds, NonNegative, Ratio
from risk_monitor.schemas import UTC_US

LEVELS: Final = ("warning", "breach")
SEVERITY: Final = MappingProxyType({"warning": "medium", "breach": "high"})

# A rule's raw signal: one row per evaluation time × subject, ts ascending within each subject.
# `armed` says whether the rule may raise at all (e.g. stablecoin exposure is material).
# `account_id` is the account the subject belongs to, null for subjects that concern every account
# (an asset, a pair, a venue): compliance maps subjects to mandates through it.
RULE_SIGNAL = pl.Schema(
    {
        "ts": UTC_US,
        "subject": pl.String(),
        "account_id": pl.String(),
        "value": pl.Float64(),
        "armed": pl.Boolean(),
    }
)
# Optional columns a rule may add to its signal: per-subject levels (overrides such as a per-asset
# limit); null where the rule's own levels apply.
LEVEL_OVERRIDES: Final = ("warning_level", "breach_level")
# The signal with its levels applied: the signals table and the alerts are both derived from it.
LEVELLED = pl.Schema(
    {
        "ts": UTC_US,
        "rule": pl.String(),
        "subject": pl.String(),
        "account_id": pl.String(),
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


class Levels(ConfigModel):
    """A warning and a breach level. A value at or above a level triggers it."""

    # breach is declared (hence validated) before warning so warning's check can compare to it
    breach: NonNegative
    warning: NonNegative
    unit: ClassVar[str] = ""  # shown after levels in messages

    @field_validator("warning")
    @classmethod
    def _warning_not_above_breach(cls, warning: float, info: ValidationInfo) -> float:
        breach, unit = info.data.get("breach"), cls.unit
        if breach is not None and warning > breach:
            raise ValueError(f"must not exceed breach ({breach}{unit}), got {warning}{unit}")
        return warning


class LevelLimits(Levels):
    """The levels every rule has, and how far below a level its alert clears."""

    clear_ratio: Ratio = 0.8


class DurationLevels(Levels):
    """Levels written as durations ("30s", "2m"), held in seconds."""

    breach: DurationSeconds
    warning: DurationSeconds
    unit: ClassVar[str] = " s"


class DurationLevelLimits(LevelLimits):
    """A rule's levels written as durations ("30s", "2m"), held in seconds."""

    breach: DurationSeconds
    warning: DurationSeconds
    unit: ClassVar[str] = " s"


def _level_active(level: str, clear_ratio: float) -> pl.Expr:
    value, armed, level_value = pl.col("value"), pl.col("armed"), pl.col(level)
    turns_on = armed & (value >= level_value)
    turns_off = ~armed | (value < level_value * clear_ratio)
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


def configured_level(rule_signal: pl.DataFrame, column: str, default: float) -> pl.Expr:
    if column in rule_signal.columns:
        return pl.col(column).cast(pl.Float64).fill_null(default)
    return pl.lit(default, pl.Float64)


def apply_levels(rule_signal: pl.DataFrame, rule: str, limits: LevelLimits) -> pl.DataFrame:
    """Add the level configuration, each level's on/off state and the row's state (LEVELLED).

    Per-subject levels in the signal's optional LEVEL_OVERRIDES columns win over `limits`."""
    warning_active, breach_active = pl.col("warning_active"), pl.col("breach_active")
    return (
        rule_signal.with_columns(
            rule=pl.lit(rule, pl.String),
            warning_level=configured_level(rule_signal, "warning_level", limits.warning),
            breach_level=configured_level(rule_signal, "breach_level", limits.breach),
            clear_ratio=pl.lit(limits.clear_ratio, pl.Float64),
        )
        .with_columns(
            warning_active=_level_active("warning_level", limits.clear_ratio),
            breach_active=_level_active("breach_level", limits.clear_ratio),
        )
        .select(
            *(name for name in LEVELLED.names() if name != "state"),
            state=pl.when(pl.col("value").is_null())
            .then(pl.lit("no_data"))
            .when(breach_active)
            .then(pl.lit("breach"))
            .when(warning_active)
            .then(pl.lit("warning"))
            .otherwise(pl.lit("ok")),
        )
    )
