"""The textbook limit order book in plain Python that issue 11's ~0.65 M orders/s refers to:
price levels in a dict of FIFO queues, each side's prices kept sorted, cancels marked and swept
when their level is reached. One pair, no synthetic depth, no accounts."""

from bisect import bisect_left, insort
from collections import deque

from benchmarks.order_flow import BookOrder

Entry = list[float]  # [qty left]: shared by the queue and the id index, so a cancel is O(1)


class PlainBook:
    def __init__(self) -> None:
        # keys sort best first on both sides: bids negated
        self._keys: dict[str, list[float]] = {"buy": [], "sell": []}
        self._levels: dict[str, dict[float, deque[Entry]]] = {"buy": {}, "sell": {}}
        self._index: dict[str, Entry] = {}
        self.fills = 0

    def submit(self, order: BookOrder) -> None:
        if order.kind == "cancel":
            entry = self._index.pop(order.order_id, None)
            if entry is not None:
                entry[0] = 0.0
            return
        left = self._take(order.side, order.qty, order.price)
        if order.price is not None and left > 0:
            self._rest(order.order_id, order.side, order.price, left)

    def _take(self, side: str, qty: float, limit: float | None) -> float:
        opposite = "sell" if side == "buy" else "buy"
        keys, levels = self._keys[opposite], self._levels[opposite]
        while qty > 0 and keys:
            key = keys[0]
            price = -key if opposite == "buy" else key
            if limit is not None and (price > limit if side == "buy" else price < limit):
                break
            queue = levels[key]
            while qty > 0 and queue:
                entry = queue[0]
                traded = min(qty, entry[0])
                if traded > 0:
                    qty -= traded
                    entry[0] -= traded
                    self.fills += 1
                if entry[0] <= 0:
                    queue.popleft()
            if not queue:
                del levels[key]
                del keys[0]
        return qty

    def _rest(self, order_id: str, side: str, price: float, qty: float) -> None:
        key = -price if side == "buy" else price
        levels = self._levels[side]
        queue = levels.get(key)
        if queue is None:
            queue = levels[key] = deque()
            keys = self._keys[side]
            at = bisect_left(keys, key)
            if at == len(keys) or keys[at] != key:
                insort(keys, key)
        entry = [qty]
        queue.append(entry)
        self._index[order_id] = entry


def match_plain(orders: list[BookOrder]) -> int:
    book = PlainBook()
    for order in orders:
        book.submit(order)
    return book.fills
