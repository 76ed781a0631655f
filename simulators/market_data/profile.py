"""How strongly an injection acts at each time: 0 before it starts, 1 at full effect.

The profile (scenarios.injections.Profile) ramps in over `over` with a `shape`, holds, and, when
`recover_after` is set, ramps back out over `recover_over` from `start + recover_after` with the
same shape. A zero-length ramp is a step whatever the shape.
"""

import math
from datetime import datetime, timedelta
from typing import overload

import polars as pl

from scenarios.injections import Profile, Shape
from simulators.time_grid import duration_us, to_us

# exponential: (1 - e^(-5x)) / (1 - e^(-5)), most of the move early, like a panic that then eases.
_EXPONENTIAL_RATE = 5.0


@overload
def intensity(ts: pl.Expr, start_ts: datetime, profile: Profile) -> pl.Expr: ...
@overload
def intensity(ts: pl.Series, start_ts: datetime, profile: Profile) -> pl.Series: ...
def intensity(ts: pl.Expr | pl.Series, start_ts: datetime, profile: Profile) -> pl.Expr | pl.Series:
    """Intensity in [0, 1] at each of `ts` (UTC datetimes), as an expression or a Series."""
    if isinstance(ts, pl.Series):
        return ts.to_frame("ts").select(intensity(pl.col("ts"), start_ts, profile)).to_series()
    elapsed_us = ts.dt.epoch("us") - to_us(start_ts)
    ramp_in = _ramp(elapsed_us, profile.over, profile.shape)
    if profile.recover_after is None:
        return ramp_in.alias("intensity")
    ramp_out = _ramp(
        elapsed_us - duration_us(profile.recover_after), profile.recover_over, profile.shape
    )
    # A product, so a recovery that starts before the ramp-in finished still ends at 0.
    return (ramp_in * (1.0 - ramp_out)).alias("intensity")


def _ramp(elapsed_us: pl.Expr, over: timedelta, shape: Shape) -> pl.Expr:
    """0 before elapsed 0, rising to 1 at elapsed `over`, then 1."""
    if shape == "step" or over <= timedelta(0):
        return pl.when(elapsed_us >= 0).then(1.0).otherwise(0.0)
    progress = (elapsed_us / duration_us(over)).clip(0.0, 1.0)
    if shape == "linear":
        return progress
    rate = _EXPONENTIAL_RATE
    return (1.0 - (-rate * progress).exp()) / (1.0 - math.exp(-rate))
