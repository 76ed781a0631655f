"""Resting client orders of one pair, in price-time priority.

Each side is two lists kept in step: the orders, and their prices as sort keys, laid out worst
first so that the best order is the last. New orders mostly rest near the touch and fills take
from it, so both happen near the end of the lists, where inserting and deleting moves little:
with the best first, each moved the whole side (thousands of entries on a busy book). Keys are
plain floats (asks negated, so both sides sort ascending), which compare far faster than
(price, sequence) tuples. At one price the earlier order trades first, so it sits further
back: the engine rests an order as it accepts it, so a new order goes before every order at
its price, found by one bisection. Lists with bisect beat heaps here because cancels remove
from the middle and the top levels are read often.
"""

from bisect import bisect_left
from collections.abc import Sequence

from simulators.exchange.book import BUY, SELL
from simulators.exchange.orders import Order


class ClientBook:
    __slots__ = ("_sides",)

    def __init__(self) -> None:
        # per side, the keys and the orders: one look-up finds both
        self._sides: dict[str, tuple[list[float], list[Order]]] = {BUY: ([], []), SELL: ([], [])}

    def __len__(self) -> int:
        return len(self._sides[BUY][1]) + len(self._sides[SELL][1])

    def add(self, order: Order) -> None:
        side = order.side
        key = order.price if side == BUY else -order.price
        keys, orders = self._sides[side]
        at = bisect_left(keys, key)
        # before every order at its price, unless one of them came later (never in the engine)
        while at < len(keys) and keys[at] == key and orders[at].seq > order.seq:
            at += 1
        keys.insert(at, key)
        orders.insert(at, order)

    def remove(self, order: Order) -> None:
        side = order.side
        keys, orders = self._sides[side]
        if orders and orders[-1] is order:  # the best: most removals are fills at the touch
            keys.pop()
            orders.pop()
            return
        key = order.price if side == BUY else -order.price
        at = bisect_left(keys, key)
        # the order among those at its price (most often the only one)
        while at < len(keys) and keys[at] == key and orders[at] is not order:
            at += 1
        if at == len(keys) or orders[at] is not order:
            raise KeyError(f"order {order.order_id} is not resting")
        del keys[at]
        del orders[at]

    def best(self, side: str) -> Order | None:
        """The next order to trade on `side` (buy = bids, sell = asks)."""
        orders = self._sides[side][1]
        return orders[-1] if orders else None

    def queue(self, side: str) -> Sequence[Order]:
        """Orders on `side`, best last: the book's own list, not a copy (one per order would
        cost more than the planning that reads it), so plan with it and change the book after."""
        return self._sides[side][1]

    def levels(self, side: str, depth: int) -> list[tuple[float, float]]:
        """Up to `depth` (price, total remaining) levels on `side`, best first."""
        out: list[tuple[float, float]] = []
        for order in reversed(self._sides[side][1]):
            if out and out[-1][0] == order.price:
                out[-1] = (order.price, out[-1][1] + order.remaining())
            elif len(out) == depth:
                break
            else:
                out.append((order.price, order.remaining()))
        return out
