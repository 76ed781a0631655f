"""A dense order flow on one pair for the matching figures: limit orders around a drifting
mid (about half of them marketable), market orders, and cancels of earlier orders."""

from typing import NamedTuple

import numpy as np


class BookOrder(NamedTuple):
    kind: str  # "limit", "market" or "cancel"
    order_id: str  # for a cancel, the order it cancels
    side: str
    qty: float
    price: float | None  # the limit; None for a market order or a cancel
    mid: float  # the reference mid when the order arrives


def dense_flow(orders: int, top_qty: float = 1.0, seed: int = 11) -> list[BookOrder]:
    rng = np.random.default_rng(seed)
    mids = 30_000.0 * np.exp(np.cumsum(rng.normal(0.0, 2e-5, orders)))
    kinds = rng.choice(["limit", "market", "cancel"], size=orders, p=[0.55, 0.15, 0.30])
    sides = rng.choice(["buy", "sell"], size=orders)
    qtys = top_qty * rng.uniform(0.05, 0.8, orders)
    offsets = rng.normal(0.0, 8e-4, orders)
    targets = rng.integers(0, np.maximum(np.arange(orders), 1))
    flow = []
    for i in range(orders):
        kind, side, mid = str(kinds[i]), str(sides[i]), float(mids[i])
        if kind == "cancel":
            flow.append(BookOrder(kind, f"o{targets[i]}", side, 0.0, None, mid))
        elif kind == "market":
            flow.append(BookOrder(kind, f"o{i}", side, float(qtys[i]), None, mid))
        else:
            price = mid * (1.0 - offsets[i] if side == "buy" else 1.0 + offsets[i])
            flow.append(BookOrder(kind, f"o{i}", side, float(qtys[i]), price, mid))
    return flow
