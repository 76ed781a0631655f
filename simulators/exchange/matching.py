"""Which liquidity an order takes: client orders and synthetic levels, best price first.

Planning is separate from doing, so the engine can price a whole market order (and refuse it
for want of funds) before anything changes.
"""

import math
from collections.abc import Iterable
from typing import Protocol

from simulators.exchange.book import BUY
from simulators.exchange.orders import DUST, Order

# One fill of a plan: (price, qty, level, maker). `level` is the synthetic level taken, -1 for
# a client order; `maker` the client order taken, None for a synthetic level. A plain tuple,
# unpacked where it is read: built in the matching's inner loop, a named tuple took 8x longer.
Execution = tuple[float, float, int, Order | None]


class Depth(Protocol):
    """Synthetic levels best first, as `liquidity.BookSide` prices them when read."""

    def level(self, i: int) -> tuple[float, float] | None:
        """(price, quantity still available) of level i, None past the last."""


def at_least_as_good(side: str, price: float, reference: float) -> bool:
    """For a buyer a lower price is better; for a seller, a higher one."""
    return price <= reference if side == BUY else price >= reference


def plan_taker(
    side: str,
    qty: float,
    limit: float | None,
    synthetic: Depth,
    resting: Iterable[Order],
) -> list[Execution]:
    """Executions for `qty` on `side`, walking the merged opposite book (synthetic levels best
    first, resting client orders in priority) until filled, out of liquidity, or past `limit`
    (None: a market order)."""
    plan: list[Execution] = []
    buying = side == BUY
    # `at_least_as_good` (and below, `min`) written out: the loop runs once per fill, and a
    # builtin or function call there cost a quarter of planning
    if limit is None:
        limit = math.inf if buying else -math.inf
    remaining = qty
    dust = DUST * qty
    makers = iter(resting)
    maker = next(makers, None)
    level = 0
    # a synthetic level is priced each time it is read: read it once, here
    current = synthetic.level(0)
    while remaining > dust:
        while current is not None and current[1] <= 0:
            level += 1
            current = synthetic.level(level)
        # At an equal price the client order goes first: it rested in this book, while the
        # synthetic level stands for the rest of the market.
        if maker is not None and (
            current is None or (maker.price <= current[0] if buying else maker.price >= current[0])
        ):
            price = maker.price
            if price > limit if buying else price < limit:
                break
            left = maker.remaining
            take = left if left < remaining else remaining
            plan.append((price, take, -1, maker))
            maker = next(makers, None)
        elif current is not None:
            price, available = current
            if price > limit if buying else price < limit:
                break
            take = available if available < remaining else remaining
            plan.append((price, take, level, None))
            level += 1
            current = synthetic.level(level)
        else:
            break
        remaining -= take
    return plan
