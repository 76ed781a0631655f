"""Lagged cross-correlation: how strongly, and how late, one series follows another.

r(k) is the Pearson correlation of cause[t] with effect[t + k] over the n − k overlapping points,
for k = 0..max_lag. Every lag is exact (its own means and variances, not the whole series'), and
all lags cost one FFT, so a 48 h replay at 1 s with a 15-minute SLA stays well under a second.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

MIN_POINTS = 3
# r is rounded before the best lag is picked, so float noise never decides between equal lags.
DECIMALS = 9


@dataclass(frozen=True)
class LaggedCorrelation:
    correlation: float
    lag: int  # in samples: the effect follows the cause by this many steps


def lagged_correlation(
    cause: NDArray[np.float64], effect: NDArray[np.float64], max_lag: int
) -> LaggedCorrelation | None:
    """The best r(k) over k = 0..max_lag (the smallest k among ties); None when no lag has at
    least MIN_POINTS overlapping points with variance on both sides."""
    n = min(len(cause), len(effect))
    max_lag = min(max_lag, n - MIN_POINTS)
    if max_lag < 0:
        return None
    x, y = _standardised(cause[:n]), _standardised(effect[:n])
    if x is None or y is None:
        return None
    r = _pearson_by_lag(x, y, max_lag)
    if not np.isfinite(r).any():
        return None
    rounded = np.round(np.where(np.isfinite(r), r, -np.inf), DECIMALS)
    best = int(np.argmax(rounded))
    return LaggedCorrelation(correlation=float(rounded[best]), lag=best)


def _standardised(values: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Pearson is invariant to affine maps; unit scale keeps the FFT's rounding negligible."""
    spread = float(np.std(values))
    if not np.isfinite(spread) or spread == 0:
        return None
    standard: NDArray[np.float64] = (values - np.mean(values)) / spread
    return standard


def _pearson_by_lag(
    x: NDArray[np.float64], y: NDArray[np.float64], max_lag: int
) -> NDArray[np.float64]:
    n = len(x)
    lags = np.arange(max_lag + 1)
    m = (n - lags).astype(np.float64)
    size = 1 << int(2 * n - 1).bit_length()
    # sum_t x[t] * y[t + k] for every k at once
    cross = np.fft.irfft(np.conj(np.fft.rfft(x, size)) * np.fft.rfft(y, size), size)[: max_lag + 1]
    prefix_x, prefix_xx = _prefix(x), _prefix(x * x)
    prefix_y, prefix_yy = _prefix(y), _prefix(y * y)
    sx, sxx = prefix_x[n - lags], prefix_xx[n - lags]  # x[0 : n-k]
    sy, syy = prefix_y[n] - prefix_y[lags], prefix_yy[n] - prefix_yy[lags]  # y[k : n]
    covariance = m * cross - sx * sy
    variance = (m * sxx - sx * sx) * (m * syy - sy * sy)
    with np.errstate(invalid="ignore", divide="ignore"):
        r: NDArray[np.float64] = np.where(
            variance > 1e-12 * m**4, covariance / np.sqrt(variance), np.nan
        )
    return np.clip(r, -1.0, 1.0)


def _prefix(values: NDArray[np.float64]) -> NDArray[np.float64]:
    prefix: NDArray[np.float64] = np.concatenate(([0.0], np.cumsum(values)))
    return prefix
