"""Building blocks of the limits models: a frozen, closed model base and checked field types."""

import math
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from risk_monitor.durations import EXPECTED, parse_duration


class ConfigModel(BaseModel):
    """Frozen, and unknown keys are errors: a misspelt limit must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _to_duration(raw: object) -> timedelta:
    if isinstance(raw, str):
        return parse_duration(raw)
    if isinstance(raw, timedelta):
        if raw <= timedelta(0):
            raise ValueError(f"must be positive, got {raw}")
        return raw
    # a bare number has no unit (seconds? hours?): refuse it rather than guess
    raise ValueError(f"expected {EXPECTED}, got {raw!r}")


def _to_seconds(raw: object) -> float:
    return _to_duration(raw).total_seconds()


def _finite_non_negative(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {value}")
    if value < 0:
        raise ValueError(f"must not be negative, got {value}")
    return value


def _ratio_in_unit_interval(value: float) -> float:
    if not 0 < value <= 1:
        raise ValueError(f"must be in (0, 1], got {value}")
    return value


Duration = Annotated[timedelta, BeforeValidator(_to_duration)]
"""A positive duration written as "1s", "15m", "24h", "2d" (or a timedelta from Python callers)."""

# strict: YAML `true` or "0.05" is a typo, not a number; ints are still accepted as floats
NonNegative = Annotated[float, Field(strict=True), AfterValidator(_finite_non_negative)]
"""A finite float >= 0: a limit level or an amount."""

Ratio = Annotated[float, Field(strict=True), AfterValidator(_ratio_in_unit_interval)]
"""A float in (0, 1]."""

DurationSeconds = Annotated[float, BeforeValidator(_to_seconds)]
"""A Duration (written "30s", "2m") held as float seconds: a level compared with ages in seconds."""

PositiveCount = Annotated[int, Field(strict=True, ge=1)]
"""A whole number >= 1, e.g. a minimum sample size."""
