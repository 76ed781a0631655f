"""Which liquidity an order takes: client orders and synthetic levels, best price first.

Planning is separate from doing, so the engine can price a whole market order (and refuse it
for want of funds) before anything changes.
"""

import math
from collections.abc import Sequence

from simulators.exchange.book import BUY
from simulators.exchange.orders import DUST, Order

# One fill of a plan: (price, qty, level, maker). `level` is the synthetic level taken, -1 for
# a client order; `maker` the client order taken, None for a synthetic level. A plain tuple,
# unpacked where it is read: built in the matching's inner loop, a named tuple took 8x longer.
Execution = tuple[float, float, int, Order | None]

# One side of the synthetic book at a tick, as `liquidity.SyntheticLiquidity.levels` gives it:
# (touch, inward, growth, top_qty, used). Level i is priced `touch / growth[i]` on the bid side
# (inward) and `touch * growth[i]` on the ask side, and has `top_qty * (1 + i) - used[i]` left,
# `used` being what this tick's fills took of it. Raw parameters in a plain tuple, priced as
# `plan_taker` reaches each level: an order reaches one or two of the forty, and an object per
# order with a method call per level read was a third of the order book's time.
Depth = tuple[float, bool, tuple[float, ...], float, list[float]]


def at_least_as_good(side: str, price: float, reference: float) -> bool:
    """For a buyer a lower price is better; for a seller, a higher one."""
    return price <= reference if side == BUY else price >= reference


def plan_taker(
    side: str,
    qty: float,
    limit: float | None,
    synthetic: Depth,
    resting: Sequence[Order],
) -> list[Execution]:
    """Executions for `qty` on `side`, walking the merged opposite book (synthetic levels best
    first, resting client orders best last, as `ClientBook.queue` keeps them) until filled, out
    of liquidity, or past `limit` (None: a market order)."""
    plan: list[Execution] = []
    buying = side == BUY
    # `at_least_as_good`, `min` and `Order.remaining` written out, and float compared with float
    # (which the interpreter specialises): the loop runs once per fill, and a builtin, function
    # or property call there cost a quarter of planning
    touch, inward, growth, top_qty, used = synthetic
    # the best order is the last: indexed from the end, no iterator built per order
    at = len(resting) - 1
    maker = resting[at] if at >= 0 else None
    # a market order: no price stops it
    limit = (math.inf if buying else -math.inf) if limit is None else limit
    if (touch > limit if buying else touch < limit) and (
        maker is None or (maker.price > limit if buying else maker.price < limit)
    ):
        # neither book's best reaches the limit (the touch is the best synthetic level):
        # half the limit orders of a dense flow, answered before the walk is set up
        return plan
    remaining = qty
    dust = DUST * qty
    levels = len(growth)
    level = -1
    available = 0.0  # left at synthetic level `level`: none before the first
    level_price = 0.0
    while remaining > dust:
        if available <= 0.0:  # the next synthetic level with quantity left, priced once
            level += 1
            while level < levels and (available := top_qty * (1 + level) - used[level]) <= 0.0:
                level += 1
            if level < levels:
                g = growth[level]
                level_price = touch / g if inward else touch * g
        # At an equal price the client order goes first: it rested in this book, while the
        # synthetic level stands for the rest of the market.
        if maker is not None and (
            level >= levels
            or (maker.price <= level_price if buying else maker.price >= level_price)
        ):
            price = maker.price
            if price > limit if buying else price < limit:
                break
            # `remaining` without its dust clamp: an order rests only with more than dust left
            left = maker.qty - maker.filled
            take = left if left < remaining else remaining
            plan.append((price, take, -1, maker))
            at -= 1
            maker = resting[at] if at >= 0 else None
        elif level < levels:
            price = level_price
            if price > limit if buying else price < limit:
                break
            take = available if available < remaining else remaining
            plan.append((price, take, level, None))
            available = 0.0  # taken whole, or the order is filled
        else:
            break
        remaining -= take
    return plan
