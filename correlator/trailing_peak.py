"""The worst fall below the trailing peak, on numpy, for the usual layout: each subject's rows one
run in time order (as `account_sums` and `usd_prices` hand them over).

Cut each run into blocks of `over` (counted from the earliest time): a trailing window
(t - over, t] reaches back at most into the block before t's, so its maximum is the larger of two
running maxima, the previous block's from the window's first row to that block's end, and the own
block's from its start to the row's last tie. Both are a cumulative maximum per block: a few
numpy passes instead of a window per row. A maximum does not depend on the order it is taken in,
so each peak, and each fall computed from it by the same division, is bit for bit the one a
window per row gives. NaN and -0.0 (whose maximum with 0.0 depends on the order) are left to the
caller's general path, as is any other layout.
"""

from datetime import timedelta

import numpy as np
import polars as pl
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

# Beyond this many blocks (a short window over long runs) the per-block loop stops paying.
MAX_BLOCKS = 20_000
TICKS_PER_MICROSECOND = {"us": 1, "ns": 1_000}
NEGATIVE_ZERO = np.float64(-0.0).view(np.int64)


def worst_fall(values: pl.DataFrame, over: timedelta) -> pl.DataFrame | None:
    """ts, value: at each time the worst subject's fall `1 - value / peak` below its highest value
    in the trailing `over` (the window (t - over, t], ties included), from `values` (ts, subject,
    value); None when `values` are not in the layout this path takes (see the module)."""
    layout = _layout(values, over)
    if layout is None:
        return None
    time, value, starts, width = layout
    edges = _block_edges(time, starts, width)
    if edges is None:
        return None
    peak = _trailing_peak(time, value, starts, edges, width)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 is NaN, as in Polars
        fallen: Floats = 1 - value / peak
    ts, worst = _worst_per_time(time, fallen, starts)
    return pl.DataFrame(
        [pl.Series("ts", ts, dtype=pl.Int64).cast(values.schema["ts"]), pl.Series("value", worst)]
    )


def _layout(values: pl.DataFrame, over: timedelta) -> tuple[Ints, Floats, Ints, int] | None:
    """(time, value, run starts, window width in time units); None unless every subject is one
    run of rows in time order and every value is a number other than -0.0."""
    schema = values.schema
    dtype = schema.get("ts")
    if (
        values.height == 0
        or not isinstance(dtype, pl.Datetime)
        or dtype.time_unit not in TICKS_PER_MICROSECOND
        or schema.get("value") != pl.Float64
        or values.get_column("ts").null_count()
        or values.get_column("value").null_count()
    ):
        return None
    width = (over // timedelta(microseconds=1)) * TICKS_PER_MICROSECOND[dtype.time_unit]
    value: Floats = values.get_column("value").to_numpy()
    if width <= 0 or np.isnan(value).any() or (value.view(np.int64) == NEGATIVE_ZERO).any():
        return None
    lengths = values.select(pl.col("subject").rle().struct.field("len")).to_series()
    starts: Ints = np.concatenate(([0], np.cumsum(lengths.to_numpy()[:-1]))).astype(np.int64)
    if values.get_column("subject").gather(starts).n_unique() != len(starts):
        return None  # a subject in two runs
    time: Ints = values.get_column("ts").to_physical().to_numpy()
    backwards = np.flatnonzero(time[1:] < time[:-1]) + 1
    if not np.isin(backwards, starts).all():
        return None  # a run out of time order
    return time, value, starts, width


def _block_edges(time: Ints, starts: Ints, width: int) -> list[tuple[int, int, int]] | None:
    """(start, end, run start) of every non-empty block of every run, in row order."""
    low = int(time.min())
    ends = np.append(starts[1:], len(time))
    first, last = (time[starts] - low) // width, (time[ends - 1] - low) // width
    if int((last - first + 1).sum()) > MAX_BLOCKS:
        return None
    blocks = []
    for a, b, k0, k1 in zip(starts, ends, first, last, strict=True):
        bounds = low + np.arange(k0 + 1, k1 + 1) * width
        cuts = [int(a), *(a + np.searchsorted(time[a:b], bounds)).tolist(), int(b)]
        blocks += [(s, e, int(a)) for s, e in zip(cuts[:-1], cuts[1:], strict=True) if s < e]
    return blocks


def _trailing_peak(
    time: Ints, value: Floats, starts: Ints, blocks: list[tuple[int, int, int]], width: int
) -> Floats:
    """Per row, the maximum of its run's values at times in (time - width, time]."""
    peak = np.empty_like(value)  # first the running maximum from the block's start
    falling = np.empty_like(value)  # the running maximum from the block's end, backwards
    previous: tuple[int, int] | None = None
    for a, b, run in blocks:
        np.maximum.accumulate(value[a:b], out=peak[a:b])
        np.maximum.accumulate(value[a:b][::-1], out=falling[a:b][::-1])
        if previous is not None and previous[0] >= run:  # the block before, of the same run
            p = previous[0]
            # rows whose window starts in the block before: within `width` of its last time
            reach = a + int(np.searchsorted(time[a:b], time[a - 1] + width, side="left"))
            first = p + np.searchsorted(time[p:a], time[a:reach] - width, side="right")
            np.maximum(peak[a:reach], falling[first], out=peak[a:reach])
        previous = (a, b)
    # a window takes in the row's ties after it: the running maximum stands at the last tie
    tied = np.flatnonzero(time[1:] == time[:-1])
    tied = tied[~np.isin(tied + 1, starts)]  # equal times of two subjects are no tie
    if len(tied):
        last = tied + 1
        run_end = np.ones(len(tied), dtype=bool)
        run_end[:-1] = tied[1:] != last[:-1]
        group_last = np.minimum.accumulate(np.where(run_end, last, len(time))[::-1])[::-1]
        peak[tied] = peak[group_last]
    return peak


def _worst_per_time(time: Ints, fallen: Floats, starts: Ints) -> tuple[Ints, Floats]:
    """(time, worst fall) per distinct time, in time order, as a Polars max per sorted time
    gives it: NaN only where every fall is NaN (fmax skips NaN too), and then the canonical NaN
    when the time has several rows. Runs on the very same times (each account valued at the
    same ticks) are folded elementwise, so only the distinct grids need sorting."""
    ends = np.append(starts[1:], len(time))
    grids: list[tuple[Ints, Floats, list[int]]] = []
    for a, b in zip(starts, ends, strict=True):
        times = time[a:b]
        for grid_times, worst, members in grids:
            if len(grid_times) == len(times) and np.array_equal(grid_times, times):
                np.fmax(worst, fallen[a:b], out=worst)
                members[0] += 1
                break
        else:
            grids.append((times, fallen[a:b].copy(), [1]))
    times = np.concatenate([grid[0] for grid in grids])
    worst = np.concatenate([grid[1] for grid in grids])
    rows = np.concatenate([np.full(len(grid[0]), grid[2][0], dtype=np.int64) for grid in grids])
    if len(grids) > 1:
        order = np.argsort(times, kind="stable")
        times, worst, rows = times[order], worst[order], rows[order]
    distinct = np.flatnonzero(np.concatenate(([True], times[1:] != times[:-1])))
    if len(distinct) < len(times):
        worst = np.fmax.reduceat(worst, distinct)
        rows = np.add.reduceat(rows, distinct)
        times = times[distinct]
    worst[np.isnan(worst) & (rows > 1)] = np.nan
    return times, worst
