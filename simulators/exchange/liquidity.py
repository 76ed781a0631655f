"""The synthetic depth as takers meet it: level prices around the mid at the tick, and how much
of each level this tick's fills have already used. A new tick refills every level, so a level
gives at most its size per tick: the liquidity limit."""

from collections.abc import Mapping, Sequence
from typing import overload

from simulators.exchange.book import ASK, level_growth
from simulators.exchange.market import MarketPath
from simulators.exchange.matching import Execution

Level = tuple[float, float]  # price, quantity still available this tick


class BookSide(Sequence[Level]):
    """One side's levels, best first, each priced when read: an order walks one or two of the
    forty, so building them all per order was most of the matching's cost."""

    __slots__ = ("_growth", "_inward", "_top_qty", "_touch", "_used")

    def __init__(
        self, touch: float, inward: bool, step_growth: tuple[float, ...], top_qty: float,
        used: list[float],
    ) -> None:  # fmt: skip
        self._touch = touch
        self._inward = inward  # bids: each level divides the touch by the growth
        self._growth = step_growth
        self._top_qty = top_qty
        self._used = used

    def __len__(self) -> int:
        return len(self._growth)

    @overload
    def __getitem__(self, i: int) -> Level: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Level]: ...
    def __getitem__(self, i: int | slice) -> Level | Sequence[Level]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self._growth)
        level = self.level(i) if i >= 0 else None
        if level is None:
            raise IndexError(i)  # which ends iteration
        return level

    def level(self, i: int) -> Level | None:
        """Level i (i >= 0), None past the last: how `plan_taker` reads the levels, since a
        method call costs half what indexing through the sequence protocol does."""
        growth = self._growth
        if i >= len(growth):
            return None
        g = growth[i]
        price = self._touch / g if self._inward else self._touch * g
        return (price, self._top_qty * (1 + i) - self._used[i])


class SyntheticLiquidity:
    def __init__(self, markets: Mapping[str, MarketPath], levels: int) -> None:
        self._markets = markets
        self._levels = levels
        self._used: dict[tuple[str, str], tuple[int, list[float]]] = {}

    def levels(self, pair: str, k: int, mid: float, book_side: str) -> BookSide:
        """`book_side` (bid or ask) of `pair` at tick k around `mid`, best first."""
        ticks = self._markets[pair].scalars
        half = ticks.half_spread[k]
        ask = book_side == ASK
        return BookSide(
            mid * (1.0 + half) if ask else mid * (1.0 - half),
            not ask,
            level_growth(ticks.level_step[k], self._levels),
            ticks.top_qty[k],
            self._used_at(pair, book_side, k),
        )

    def consume(self, pair: str, k: int, book_side: str, plan: list[Execution]) -> None:
        used = self._used_at(pair, book_side, k)
        for _, qty, level, _ in plan:
            if level >= 0:
                used[level] += qty

    def _used_at(self, pair: str, book_side: str, k: int) -> list[float]:
        key = (pair, book_side)
        at = self._used.get(key)
        if at is not None and at[0] == k:
            return at[1]
        used = [0.0] * self._levels
        self._used[key] = (k, used)
        return used
