"""Resting client orders of one pair, in price-time priority.

Keys sort best first on each side: bids by (-price, seq), asks by (price, seq), so the head of
each list is the order that trades next. Lists with bisect beat heaps here because cancels
remove from the middle and the top levels are read often.
"""

from bisect import bisect_left, insort
from collections.abc import Iterator

from simulators.exchange.book import BUY
from simulators.exchange.orders import Order

Key = tuple[float, int]


class ClientBook:
    def __init__(self) -> None:
        self._keys: dict[str, list[Key]] = {"buy": [], "sell": []}
        self._orders: dict[int, Order] = {}

    def __len__(self) -> int:
        return len(self._orders)

    @staticmethod
    def _key(order: Order) -> Key:
        return (-order.price if order.side == BUY else order.price, order.seq)

    def add(self, order: Order) -> None:
        insort(self._keys[order.side], self._key(order))
        self._orders[order.seq] = order

    def remove(self, order: Order) -> None:
        keys = self._keys[order.side]
        key = self._key(order)
        at = bisect_left(keys, key)
        if at == len(keys) or keys[at] != key:
            raise KeyError(f"order {order.order_id} is not resting")
        del keys[at]
        del self._orders[order.seq]

    def best(self, side: str) -> Order | None:
        """The next order to trade on `side` (buy = bids, sell = asks)."""
        keys = self._keys[side]
        return self._orders[keys[0][1]] if keys else None

    def in_priority(self, side: str) -> Iterator[Order]:
        """Orders on `side`, best first, read lazily: plan with it, change the book after."""
        keys = self._keys[side]
        if not keys:  # every order on a venue without resting ones
            return iter(())
        return (self._orders[seq] for _, seq in keys)

    def levels(self, side: str, depth: int) -> list[tuple[float, float]]:
        """Up to `depth` (price, total remaining) levels on `side`, best first."""
        out: list[tuple[float, float]] = []
        for _, seq in self._keys[side]:
            order = self._orders[seq]
            if out and out[-1][0] == order.price:
                out[-1] = (order.price, out[-1][1] + order.remaining)
            elif len(out) == depth:
                break
            else:
                out.append((order.price, order.remaining))
        return out
