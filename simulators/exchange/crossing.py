"""Where along the reference path a resting client order first becomes marketable: the first
tick at which the synthetic ask falls to the best client bid, or the synthetic bid rises to the
best client ask. Long stretches are searched with numpy; a few ticks between busy arrivals are
quicker in plain Python than the cost of setting up the arrays."""

import math
from collections.abc import Mapping

import numpy as np

from simulators.exchange.book import BUY, SELL
from simulators.exchange.client_book import ClientBook
from simulators.exchange.impact import Impact
from simulators.exchange.market import MarketPath

SHORT = 16  # ticks; below this the Python loop wins


def first_crossing(
    market: MarketPath,
    impact: Impact,
    best_bid: float | None,
    best_ask: float | None,
    first: int,
    last: int,
) -> int | None:
    """The first tick in [first, last] where the book would trade, or None."""
    bid = -math.inf if best_bid is None else best_bid
    ask = math.inf if best_ask is None else best_ask
    if last - first < SHORT:
        return _loop(market, impact, bid, ask, first, last)
    ts = market.ts[first : last + 1]
    mid = market.reference[first : last + 1] * np.exp(impact.along(ts))
    half = market.half_spread[first : last + 1]
    hit = (mid * (1.0 + half) <= bid) | (mid * (1.0 - half) >= ask)
    at = int(np.argmax(hit))
    return first + at if hit[at] else None


def _loop(
    market: MarketPath, impact: Impact, bid: float, ask: float, first: int, last: int
) -> int | None:
    ticks = market.scalars
    for k in range(first, last + 1):
        mid = ticks.reference[k] * math.exp(impact.before(ticks.ts[k]))
        half = ticks.half_spread[k]
        if mid * (1.0 + half) <= bid or mid * (1.0 - half) >= ask:
            return k
    return None


ScanMemo = tuple[int, int, int, int | None]  # state version, first, last tick, crossing found


class CrossingWatch:
    """Per pair, the last tick checked for resting orders meeting the synthetic touch, and the
    search for the next one. A search is remembered until the pair's book or impact changes,
    since the engine asks again after every event on any pair."""

    def __init__(
        self,
        markets: Mapping[str, MarketPath],
        books: Mapping[str, ClientBook],
        impact: Mapping[str, Impact],
    ) -> None:
        self._markets = markets
        self._books = books
        self._impact = impact
        self._checked = dict.fromkeys(markets, -1)
        self._version = dict.fromkeys(markets, 0)
        self._memo: dict[str, ScanMemo] = {}
        # Pairs that may hold resting orders: most steps of most runs have none anywhere, and
        # visiting every book to find that out was a tenth of a co-simulation.
        self._maybe_resting: set[str] = set()

    @property
    def idle(self) -> bool:
        """No resting order on any pair: nothing can cross."""
        if self._maybe_resting:
            self._maybe_resting = {p for p in self._maybe_resting if self._books[p]}
        return not self._maybe_resting

    def changed(self, pair: str) -> None:
        self._version[pair] += 1
        if self._books[pair]:
            self._maybe_resting.add(pair)

    def next(self, bound_us: int) -> tuple[str, int] | None:
        """The earliest unchecked (pair, tick) at or before `bound_us` where the book trades."""
        best: tuple[int, str, int] | None = None
        for pair, book in self._books.items():
            if not book:
                continue
            market = self._markets[pair]
            first = self._checked[pair] + 1
            last = market.ticks_to(bound_us) - 1
            if last < first:
                continue
            k = self._search(pair, first, last)
            if k is not None and (best is None or market.scalars.ts[k] < best[0]):
                best = (market.scalars.ts[k], pair, k)
        return None if best is None else (best[1], best[2])

    def checked_through(self, pair: str, k: int) -> None:
        self._checked[pair] = max(self._checked[pair], k)

    def checked_until(self, bound_us: int) -> None:
        """Nothing crossed up to `bound_us`: skip those ticks from now on."""
        for pair, book in self._books.items():
            if book:
                self.checked_through(pair, self._markets[pair].ticks_to(bound_us) - 1)

    def _search(self, pair: str, first: int, last: int) -> int | None:
        memo = self._memo.get(pair)
        if memo is not None and memo[:3] == (self._version[pair], first, last):
            return memo[3]
        book = self._books[pair]
        bid, ask = book.best(BUY), book.best(SELL)
        found = first_crossing(
            self._markets[pair],
            self._impact[pair],
            None if bid is None else bid.price,
            None if ask is None else ask.price,
            first,
            last,
        )
        self._memo[pair] = (self._version[pair], first, last, found)
        return found
