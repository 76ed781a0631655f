"""Values on the evaluation grid held as time × column matrices (numpy), for the views every
time has every column of: balances, prices and account totals. A long frame of millions of rows
costs a hash group-by or a keyed as-of join per step; a matrix costs a vector operation.
"""

from collections.abc import Sequence

import numpy as np
import polars as pl

from risk_monitor import point_in_time

_BAND = 8192  # rows of a matrix worked on at a time


def grid_times(grid: pl.DataFrame) -> np.ndarray:
    """The evaluation times, in microseconds since the epoch."""
    return grid["ts"].dt.epoch("us").to_numpy()


def step_on_grid(
    times: np.ndarray, available_at: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """At each of `times`, the value of the last row with available_at <= time (`available_at`
    ascending, as a backward as-of join reads it), and whether there is one."""
    at = visible_count(available_at, times) - 1
    seen = at >= 0
    if not values.size:
        return np.zeros(times.size, dtype=values.dtype), seen
    return values[np.maximum(at, 0)], seen


def visible_count(available_at: np.ndarray, times: np.ndarray) -> np.ndarray:
    """np.searchsorted(available_at, times, side="right") (`available_at` ascending): at each
    time, how many rows are available. On a regular grid (an evaluation grid is one) each row's
    first grid time at or after it is arithmetic, and the counts a running sum of rows per
    time: a few passes over the rows, not a search per time. That pays from a few thousand
    rows on (a feed of ticks: 2.8 -> 1.3 ms); fewer are searched."""
    step = _grid_step(available_at, times)
    if step is None:
        return np.searchsorted(available_at, times, side="right")
    return _running_count(_first_slot(available_at, times, step), times.size)


def _grid_step(available_at: np.ndarray, times: np.ndarray) -> int | None:
    """The step of `times` when they are a regular grid and the rows are enough for the
    arithmetic to beat a search per time; None to search."""
    return _regular_step(times) if available_at.size > times.size // 32 else None


def _running_count(slot: np.ndarray, times: int) -> np.ndarray:
    """At each of `times` grid times, how many rows have their first slot (`_first_slot`) at or
    before it."""
    return np.cumsum(np.bincount(slot, minlength=times + 1)[:times])


def _first_slot(available_at: np.ndarray, times: np.ndarray, step: int) -> np.ndarray:
    """Each row's index of the first of `times` (regular, by `step`) at or after it; the
    number of times for a row after the last."""
    first = -((times[0] - available_at) // step)  # ceil((available_at - start) / step)
    return np.asarray(np.clip(first, 0, times.size, out=first))


def _regular_step(times: np.ndarray) -> int | None:
    """The step of `times` if they ascend by one positive step, else None."""
    if times.size < 2:
        return None
    step = int(times[1] - times[0])
    return step if step > 0 and bool((times[1:] - times[:-1] == step).all()) else None


def newest_visible(
    times: np.ndarray, available_at: np.ndarray, ts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """At each of `times`: the largest `ts` of the rows with available_at <= time, and how many
    rows those are (0: none, the newest then the ts of the first row available). Rows in any
    order."""
    if not ts.size:
        return np.zeros_like(times), np.zeros(times.size, dtype=np.intp)
    step = _grid_step(available_at, times)
    if step is None:
        order = np.argsort(available_at, kind="stable")
        newest = np.maximum.accumulate(ts[order])
        count = visible_count(available_at[order], times)
        return newest[np.maximum(count - 1, 0)], count
    # on a regular grid, no sort: the rows first visible at each time, counted and their
    # newest ts taken, then both carried forward
    slot = _first_slot(available_at, times, step)
    count = _running_count(slot, times.size)
    newest = np.full(times.size + 1, np.iinfo(ts.dtype).min, dtype=ts.dtype)
    np.maximum.at(newest, slot, ts)
    newest = np.maximum.accumulate(newest[: times.size])
    return np.where(count > 0, newest, ts[np.argmin(available_at)]), count


def age_seconds(times: np.ndarray, since: np.ndarray) -> np.ndarray:
    """Seconds from `since` to `times` (µs, same shape), by point_in_time.age_seconds itself:
    Polars divides a column of more than one value by multiplying with the reciprocal, which
    can differ from a division in the last bit, so the ages are computed by the same
    expression over as many rows as the frame they used to come from."""
    utc = pl.Datetime("us", "UTC")
    frame = pl.DataFrame(
        {
            "ts": pl.Series(times.reshape(-1)).cast(pl.Datetime("us")).cast(utc),
            "since": pl.Series(since.reshape(-1)).cast(pl.Datetime("us")).cast(utc),
        }
    )
    ages = frame.select(point_in_time.age_seconds(pl.col("since"))).to_series()
    return ages.to_numpy().reshape(times.shape)


def compensated_sum(
    columns: Sequence[np.ndarray], valid: Sequence[np.ndarray] | None = None
) -> np.ndarray:
    """Row by row, the sum of `columns` (skipping entries not `valid`), added in column order
    with Kahan's compensation, as a Polars group-by sums a group's rows in their order (checked
    against it on random values with heavy cancellation): totals computed here equal those a
    group-by computes."""
    total = np.zeros(columns[0].size if columns else 0, dtype=np.float64)
    carry = np.zeros_like(total)
    for i, column in enumerate(columns):
        kept = total + (column - carry)
        lost = (kept - total) - (column - carry)
        if valid is None:
            total, carry = kept, lost
        else:
            total = np.where(valid[i], kept, total)
            carry = np.where(valid[i], lost, carry)
    return total


def grouped_compensated_sum(
    matrix: np.ndarray, groups: Sequence[Sequence[int]], valid: np.ndarray | None = None
) -> np.ndarray:
    """`compensated_sum` of each group's columns of `matrix` (time × column; skipping entries
    where `valid`, alike, is False), time × group: every group at once, its i-th column added at
    step i with the very operations `compensated_sum` does, so each total is the same to the
    bit."""
    depth = max((len(group) for group in groups), default=0)
    has = [np.array([i < len(group) for group in groups]) for i in range(depth)]
    full = [bool(step.all()) for step in has]
    at = [
        np.array([group[i] if i < len(group) else 0 for group in groups], dtype=np.intp)
        for i in range(depth)
    ]
    sums = np.zeros((matrix.shape[0], len(groups)))
    for top in range(0, matrix.shape[0], _BAND):  # a band of rows at a time stays in cache
        rows = slice(top, top + _BAND)
        total, carry = sums[rows], np.zeros(sums[rows].shape)
        for i in range(depth):
            column = np.take(matrix[rows], at[i], axis=1)
            if valid is not None:
                use = np.take(valid[rows], at[i], axis=1) & has[i]
            else:  # None: every group has an i-th column, so every entry is added
                use = None if full[i] else has[i]
            if i == 0:
                # total and carry are 0: the same operations with 0 left out, exactly
                kept = 0.0 + column
                total = kept if use is None else np.where(use, kept, 0.0)
                if depth > 1:
                    lost = kept - column
                    carry = lost if use is None else np.where(use, lost, 0.0)
                continue
            step = column - carry
            kept = total + step
            lost = (kept - total) - step
            total = kept if use is None else np.where(use, kept, total)
            carry = lost if use is None else np.where(use, lost, carry)
        sums[rows] = total
    return sums


def long_frame(
    grid: pl.DataFrame,
    keys: pl.DataFrame,
    columns: dict[str, tuple[np.ndarray, np.ndarray | None]],
) -> pl.DataFrame:
    """ts × every row of `keys` (ordered by ts, then as `keys`), with `columns`: name →
    (time × key matrix of values, matrix of whether each is non-null, or None: all are)."""
    times, width = grid.height, keys.height
    at = pl.Series(np.repeat(np.arange(times, dtype=np.int64), width))
    which = pl.Series(np.tile(np.arange(width, dtype=np.int64), times))
    frame = pl.DataFrame(
        [grid["ts"].gather(at), *(keys.to_series(i).gather(which) for i in range(keys.width))]
    )
    values = {}
    for name, (matrix, known) in columns.items():
        series = pl.Series(name, matrix.reshape(-1))
        if known is not None:
            series = pl.select(pl.when(pl.Series(known.reshape(-1))).then(series)).to_series()
        values[name] = series
    return frame.with_columns(**values)
