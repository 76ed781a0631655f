"""Which liquidity an order takes: client orders and synthetic levels, best price first.

Planning is separate from doing, so the engine can price a whole market order (and refuse it
for want of funds) before anything changes.
"""

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from simulators.exchange.book import BUY
from simulators.exchange.orders import DUST, Order


class Execution(NamedTuple):  # a tuple: one per fill, built in the matching's inner loop
    price: float
    qty: float
    level: int  # the synthetic level taken, -1 for a client order
    maker: Order | None


def at_least_as_good(side: str, price: float, reference: float) -> bool:
    """For a buyer a lower price is better; for a seller, a higher one."""
    return price <= reference if side == BUY else price >= reference


def plan_taker(
    side: str,
    qty: float,
    limit: float | None,
    synthetic: Sequence[tuple[float, float]],
    resting: Iterable[Order],
) -> list[Execution]:
    """Executions for `qty` on `side`, walking the merged opposite book (synthetic (price,
    available) levels best first, resting client orders in priority) until filled, out of
    liquidity, or past `limit` (None: a market order)."""
    plan: list[Execution] = []
    remaining = qty
    makers = iter(resting)
    maker = next(makers, None)
    level = 0
    levels = len(synthetic)
    # a synthetic level is priced each time it is read: read it once, here
    current = synthetic[0] if levels else None
    while remaining > DUST * qty:
        while current is not None and current[1] <= 0:
            level += 1
            current = synthetic[level] if level < levels else None
        quote = None if current is None else current[0]
        # At an equal price the client order goes first: it rested in this book, while the
        # synthetic level stands for the rest of the market.
        if maker is not None and (quote is None or at_least_as_good(side, maker.price, quote)):
            execution = Execution(maker.price, min(remaining, maker.remaining), -1, maker)
            maker = next(makers, None)
        elif current is not None:
            execution = Execution(current[0], min(remaining, current[1]), level, None)
            level += 1
            current = synthetic[level] if level < levels else None
        else:
            break
        if limit is not None and not at_least_as_good(side, execution.price, limit):
            break
        plan.append(execution)
        remaining -= execution.qty
    return plan
