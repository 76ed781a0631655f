"""How stressed a market is right now, relative to its own recent past.

Stress is the exponentially weighted mean of absolute log returns of the reference (chaos
included) over a short half-life, divided by the same over a long one. Both look only backwards,
and a pair derived from two legs (BTC/ETH from BTC/USD and ETH/USD) is compared with itself
rather than with candles of a differently built series, so calm reads as 1 on every pair.
"""

import numpy as np
import polars as pl
from numpy.typing import NDArray


def volatility_factor(
    prices: NDArray[np.float64],
    short_half_life_steps: float,
    long_half_life_steps: float,
    max_factor: float,
) -> NDArray[np.float64]:
    """Short over long realised moves, clipped to [1, max_factor]: a calm spell never makes
    the venue faster than its calibrated latency."""
    moves = pl.Series(np.abs(np.diff(np.log(prices), prepend=np.log(prices[:1]))))
    short = moves.ewm_mean(half_life=max(short_half_life_steps, 1.0)).to_numpy()
    long = moves.ewm_mean(half_life=max(long_half_life_steps, 1.0)).to_numpy()
    ratio = np.divide(short, long, out=np.ones_like(short), where=long > 0)
    clipped: NDArray[np.float64] = np.clip(ratio, 1.0, max_factor)
    return clipped
