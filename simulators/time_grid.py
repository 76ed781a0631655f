"""Times as int64 microseconds since the epoch: the unit of our `Datetime("us", "UTC")` columns.

Simulators do their arithmetic on these integers (exact, vectorised) and turn them back into UTC
columns at the edge, so no float seconds or time-zone conversions creep into the paths.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
from numpy.typing import NDArray

UTC_US = pl.Datetime("us", "UTC")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is refused, because its zone is a guess."""
    if moment.tzinfo is None:
        raise ValueError(f"expected a timezone-aware UTC datetime, got naive {moment!r}")
    return (moment - EPOCH) // MICROSECOND


def duration_us(duration: timedelta) -> int:
    return duration // MICROSECOND


def grid_us(start: datetime, end: datetime, step: timedelta) -> NDArray[np.int64]:
    """Every `start + i·step` in [start, end)."""
    if step <= timedelta(0):
        raise ValueError(f"step must be positive, got {step}")
    return np.arange(to_us(start), to_us(end), duration_us(step), dtype=np.int64)


def utc_series(name: str, micros: NDArray[np.int64] | Sequence[int]) -> pl.Series:
    return pl.Series(name, micros, dtype=pl.Int64()).cast(UTC_US)


def format_utc(micros: int) -> str:
    """`2021-04-25T04:00:00Z`, the spelling people paste into scenario files."""
    return (EPOCH + micros * MICROSECOND).isoformat().replace("+00:00", "Z")
