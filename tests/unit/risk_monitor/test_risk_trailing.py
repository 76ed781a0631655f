"""trailing_max equals Polars' rolling_max_by per column, nulls and the grid's start included,
and declines what it does not reproduce."""

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from risk_monitor.dense import grid_times, long_frame
from risk_monitor.point_in_time import evaluation_grid
from risk_monitor.trailing import trailing_max

GRID = evaluation_grid(
    datetime(2024, 3, 4, tzinfo=UTC), datetime(2024, 3, 4, 0, 5, tzinfo=UTC), timedelta(seconds=2)
)


def _polars(values: np.ndarray, known: np.ndarray, window: timedelta) -> pl.Series:
    columns = pl.DataFrame({"column": pl.int_range(values.shape[1], eager=True)})
    return (
        long_frame(GRID, columns, {"value": (values, known)})
        .select(pl.col("value").rolling_max_by("ts", window_size=window).over("column"))
        .to_series()
    )


@pytest.mark.parametrize("seconds", [1, 2, 3, 7, 60, 299, 300, 301, 3600])
def test_equals_polars(seconds: int) -> None:
    rng = np.random.default_rng(seconds)
    shape = (GRID.height, 4)
    values = rng.normal(size=shape) * 100
    known = rng.random(shape) > 0.3
    known[:40, 0] = False  # a column with nothing known for a while
    known[:, 1] = False  # and one with nothing known at all
    window = timedelta(seconds=seconds)
    rolled = trailing_max(grid_times(GRID), values, known, window // timedelta(microseconds=1))
    assert rolled is not None
    peak, seen = rolled
    expected = _polars(values, known, window)
    assert np.array_equal(seen.reshape(-1), expected.is_not_null().to_numpy())
    assert np.array_equal(peak[seen], expected.drop_nulls().to_numpy())


def test_declines_non_finite_known_values() -> None:
    values = np.ones((GRID.height, 2))
    values[5, 1] = np.nan
    known = np.ones(values.shape, dtype=bool)
    times = grid_times(GRID)
    assert trailing_max(times, values, known, 10_000_000) is None
    known[5, 1] = False  # an unknown NaN is skipped like any unknown value
    assert trailing_max(times, values, known, 10_000_000) is not None


def test_declines_windows_of_unequal_length() -> None:
    times = np.array([0, 1, 2, 10, 11, 12], dtype=np.int64)
    values = np.arange(6.0).reshape(-1, 1)
    assert trailing_max(times, values, np.ones(values.shape, dtype=bool), 3) is None
