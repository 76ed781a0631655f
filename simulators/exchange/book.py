"""The synthetic depth around the venue mid: the market's liquidity that client orders trade with.

Level i (0 = best) sits at a geometric distance from the mid, `(1 ± half_spread)` and then
`(1 + step)^i` further out, and holds `(1 + i)` times the top level's quantity: thin at the
touch, thicker further out, as real books are. So a bigger order reaches deeper levels and its
average price worsens with its size.
"""

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

BUY, SELL = "buy", "sell"
BID, ASK = "bid", "ask"


# The step and the level count change once a candle at most, and the engine asks per order.
@lru_cache(maxsize=1024)
def level_growth(step: float, levels: int) -> tuple[float, ...]:
    return tuple((1.0 + step) ** i for i in range(levels))


def level_grid(
    mid: NDArray[np.float64],
    half_spread: NDArray[np.float64],
    step: NDArray[np.float64],
    top_qty: NDArray[np.float64],
    levels: int,
    side: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Level prices and quantities for many moments at once, shaped (moments, levels)."""
    depth = np.arange(levels, dtype=np.float64)
    growth = (1.0 + step[:, None]) ** depth[None, :]
    if side == ASK:
        prices = (mid * (1.0 + half_spread))[:, None] * growth
    else:
        prices = (mid * (1.0 - half_spread))[:, None] / growth
    return prices, top_qty[:, None] * (1.0 + depth[None, :])


def side_taken(order_side: str) -> str:
    """A buy takes liquidity from the asks, a sell from the bids."""
    return ASK if order_side == BUY else BID
