"""The synthetic depth as takers meet it: level prices around the mid at the tick, and how much
of each level this tick's fills have already used. A new tick refills every level, so a level
gives at most its size per tick: the liquidity limit."""

from collections.abc import Mapping

from simulators.exchange.book import ASK, level_growth
from simulators.exchange.market import MarketPath
from simulators.exchange.matching import Depth, Execution


class SyntheticLiquidity:
    def __init__(self, markets: Mapping[str, MarketPath], levels: int) -> None:
        self._markets = markets
        self._levels = levels
        self._used: dict[tuple[str, str], tuple[int, list[float]]] = {}

    def levels(self, pair: str, k: int, mid: float, book_side: str) -> Depth:
        """`book_side` (bid or ask) of `pair` at tick k around `mid`, best first."""
        ticks = self._markets[pair].scalars
        half = ticks.half_spread[k]
        ask = book_side == ASK
        return (
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
