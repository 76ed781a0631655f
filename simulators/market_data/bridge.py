"""A seeded price path inside each candle, consistent with its open, high, low and close.

For a candle sampled at `points` grid times the path starts at the open, ends at the close, touches
the high and the low at random interior points (in random order), and wanders between those four
anchors as a Brownian bridge, clipped to [low, high] so it never leaves the candle's range. All
candles of a pair are computed at once as an (n_candles, points) matrix.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Bridge step s.d. per point, as a fraction of the candle range, scaled by 1/sqrt(points): mid-way
# between two anchors the wiggle's s.d. is then ~15% of the range whatever the resolution, visible
# but not so wide that paths spend their time flattened against the clipping bounds.
BRIDGE_VOLATILITY = 0.5


@dataclass(frozen=True)
class Candles:
    """Column arrays of n candles (one pair, one timeframe)."""

    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray


def candle_paths(candles: Candles, points: int, rng: np.random.Generator) -> FloatArray:
    """An (n, points) matrix of prices; row i is candle i sampled at its `points` grid times."""
    if points < 1:
        raise ValueError(f"a candle needs at least one grid point, got {points}")
    if points >= 4:
        return _bridged(candles, points, rng)
    return _short(candles, points, rng)


def _bridged(candles: Candles, points: int, rng: np.random.Generator) -> FloatArray:
    n = len(candles.open)
    rows = np.arange(n)
    # Two distinct interior points, uniformly: the second draw skips over the first. The high
    # goes to the first, so which extreme comes first is a fair coin.
    high_at = rng.integers(1, points - 1, size=n)
    low_at = rng.integers(1, points - 2, size=n)
    low_at = low_at + (low_at >= high_at)
    steps = rng.standard_normal((n, points))

    early_at = np.minimum(high_at, low_at)
    late_at = np.maximum(high_at, low_at)
    high_first = high_at < low_at
    anchor_at = np.stack([np.zeros(n, np.int64), early_at, late_at, np.full(n, points - 1)], 1)
    anchor_price = np.stack(
        [
            candles.open,
            np.where(high_first, candles.high, candles.low),
            np.where(high_first, candles.low, candles.high),
            candles.close,
        ],
        axis=1,
    )

    # Each column's segment between anchors: 0 before the early extreme, 1 until the late one, 2
    # after; the last column belongs to segment 2, so every segment has two distinct ends.
    column = np.arange(points)[np.newaxis, :]
    segment = (column >= early_at[:, np.newaxis]).astype(np.int64) + (
        column >= late_at[:, np.newaxis]
    )
    left = np.take_along_axis(anchor_at, segment, axis=1)
    right = np.take_along_axis(anchor_at, segment + 1, axis=1)
    fraction = (column - left) / (right - left)

    line = _between(anchor_price, segment, fraction)
    steps[:, 0] = 0.0
    walk = np.cumsum(steps, axis=1)
    # A Brownian bridge is the walk minus its own chord between the anchors: zero at both ends.
    walk_left = np.take_along_axis(walk, left, axis=1)
    walk_right = np.take_along_axis(walk, right, axis=1)
    bridge = walk - walk_left - fraction * (walk_right - walk_left)
    scale = BRIDGE_VOLATILITY * (candles.high - candles.low) / np.sqrt(points)

    path: FloatArray = np.clip(
        line + scale[:, np.newaxis] * bridge,
        candles.low[:, np.newaxis],
        candles.high[:, np.newaxis],
    )
    # Pin the anchors exactly, so float rounding cannot leave open/high/low/close one ulp off.
    path[:, 0] = candles.open
    path[:, -1] = candles.close
    path[rows, high_at] = candles.high
    path[rows, low_at] = candles.low
    return path


def _between(anchor_price: FloatArray, segment: IntArray, fraction: FloatArray) -> FloatArray:
    start = np.take_along_axis(anchor_price, segment, axis=1)
    end = np.take_along_axis(anchor_price, segment + 1, axis=1)
    return start + fraction * (end - start)


def _short(candles: Candles, points: int, rng: np.random.Generator) -> FloatArray:
    """Fewer than four points cannot hold all four anchors: keep the open, then the close, and with
    a third point the extreme that the open and close do not already reach (a coin when neither)."""
    if points == 1:
        return candles.open[:, np.newaxis].copy()
    if points == 2:
        return np.stack([candles.open, candles.close], axis=1)
    high_missing = (candles.open < candles.high) & (candles.close < candles.high)
    low_missing = (candles.open > candles.low) & (candles.close > candles.low)
    coin = rng.random(len(candles.open)) < 0.5
    middle = np.where(high_missing & ~(low_missing & coin), candles.high, candles.low)
    return np.stack([candles.open, middle, candles.close], axis=1)
