"""Ticks from candles: one price per pair per grid time, on a seeded path inside each candle.

Candles are the only truth we have about the path, so a tick never leaves its candle's range.
A grid time no candle covers (an exchange maintenance window, a window outside the data) is an
error naming the pair and the missing range, never a silently interpolated price.
"""

from datetime import datetime, timedelta

import numpy as np
import polars as pl
from numpy.typing import NDArray

from scenarios.durations import format_duration, parse_duration
from simulators.market_data.bridge import Candles, candle_paths
from simulators.market_data.errors import MarketDataError
from simulators.seeding import stream
from simulators.time_grid import UTC_US, duration_us, format_utc, grid_us, utc_series

SOURCE_TICKS = pl.Schema({"ts": UTC_US, "pair": pl.String(), "price": pl.Float64()})
_GAPS_SHOWN = 3


def synthesize_ticks(
    candles: pl.DataFrame, start: datetime, end: datetime, resolution: timedelta, seed: int
) -> pl.DataFrame:
    """SOURCE_TICKS for every pair in `candles`, at each `start + i·resolution` in [start, end),
    sorted by (pair, ts). Each pair draws from its own stream, so pairs are independent."""
    grid = grid_us(start, end, resolution)
    if grid.size == 0:
        raise MarketDataError(f"empty window: start {start} is not before end {end}")
    frames = [
        _pair_ticks(pair, rows, grid, duration_us(resolution), seed)
        for (pair,), rows in sorted(candles.partition_by("pair", as_dict=True).items())
    ]
    if not frames:
        return SOURCE_TICKS.to_frame()
    return pl.concat(frames)


def _pair_ticks(
    pair: str, candles: pl.DataFrame, grid: NDArray[np.int64], step_us: int, seed: int
) -> pl.DataFrame:
    timeframe = _timeframe(pair, candles)
    label = f"{pair} {timeframe}"
    candle_us = duration_us(parse_duration(timeframe))
    if candle_us % step_us:
        raise MarketDataError(
            f"{label}: timeframe is not a multiple of the resolution "
            f"{format_duration(timedelta(microseconds=step_us))}"
        )
    candles = candles.sort("ts")
    opens = candles["ts"].dt.epoch("us").to_numpy()
    _check_no_overlap(label, opens, candle_us)

    # The candle covering each grid time is the last one opened at or before it, if still open.
    covering = np.searchsorted(opens, grid, side="right") - 1
    covered = (covering >= 0) & (grid < opens[np.maximum(covering, 0)] + candle_us)
    if not covered.all():
        raise MarketDataError(f"{label}: no candles for {_gaps(grid, covered, step_us)}")
    offset = grid - opens[covering]
    if (offset % step_us).any():
        raise MarketDataError(
            f"{label}: candle open times are not on the window's grid "
            f"({format_utc(int(grid[0]))} every {format_duration(timedelta(microseconds=step_us))})"
        )

    first, last = int(covering[0]), int(covering[-1])
    used = candles.slice(first, last - first + 1)
    ohlc = _checked_candles(label, used)
    paths = candle_paths(ohlc, candle_us // step_us, stream(seed, pair))
    return pl.DataFrame(
        {
            "ts": utc_series("ts", grid),
            "pair": pl.repeat(pair, grid.size, dtype=pl.String(), eager=True),
            "price": paths[covering - first, offset // step_us],
        },
        schema=SOURCE_TICKS,
    )


def _timeframe(pair: str, candles: pl.DataFrame) -> str:
    timeframes = sorted(candles["timeframe"].unique())
    if len(timeframes) != 1:
        raise MarketDataError(f"{pair}: expected candles of one timeframe, got {timeframes}")
    try:
        parse_duration(timeframes[0])
    except ValueError as error:
        raise MarketDataError(f"{pair}: bad timeframe {timeframes[0]!r}: {error}") from None
    return str(timeframes[0])


def _check_no_overlap(label: str, opens: NDArray[np.int64], candle_us: int) -> None:
    clash = np.flatnonzero(np.diff(opens) < candle_us)
    if clash.size:
        at = format_utc(int(opens[clash[0] + 1]))
        raise MarketDataError(f"{label}: duplicate or overlapping candles at {at}")


def _gaps(grid: NDArray[np.int64], covered: NDArray[np.bool_], step_us: int) -> str:
    """Uncovered runs as half-open `from..until` ranges: `until` is when candles resume."""
    missing = np.flatnonzero(~covered)
    breaks = np.flatnonzero(np.diff(missing) > 1)
    run_starts = missing[np.concatenate([[0], breaks + 1])]
    run_ends = missing[np.concatenate([breaks, [missing.size - 1]])]
    ranges = [
        f"{format_utc(int(grid[a]))}..{format_utc(int(grid[b]) + step_us)}"
        for a, b in zip(run_starts[:_GAPS_SHOWN], run_ends[:_GAPS_SHOWN], strict=True)
    ]
    more = run_starts.size - _GAPS_SHOWN
    return ", ".join(ranges) + (f" (and {more} more gaps)" if more > 0 else "")


def _checked_candles(label: str, candles: pl.DataFrame) -> Candles:
    ohlc = Candles(
        *(candles[name].cast(pl.Float64()).to_numpy() for name in ("open", "high", "low", "close"))
    )
    # NaN (a missing value) fails every comparison, so it is caught here too.
    sane = (
        np.isfinite(ohlc.high)
        & (ohlc.low > 0)
        & (ohlc.low <= np.minimum(ohlc.open, ohlc.close))
        & (np.maximum(ohlc.open, ohlc.close) <= ohlc.high)
    )
    if not sane.all():
        bad = int(np.flatnonzero(~sane)[0])
        at = format_utc(int(candles["ts"].dt.epoch("us")[bad]))
        raise MarketDataError(
            f"{label}: candle at {at} is not a valid candle "
            "(expected 0 < low <= open, close <= high, no missing values)"
        )
    return ohlc
