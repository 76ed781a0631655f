"""The synthetic depth as takers meet it: level prices around the mid at the tick, and how much
of each level this tick's fills have already used. A new tick refills every level, so a level
gives at most its size per tick: the liquidity limit."""

from collections.abc import Mapping

from simulators.exchange.book import level_prices, level_qtys
from simulators.exchange.market import MarketPath
from simulators.exchange.matching import Execution

Level = tuple[float, float]  # price, quantity still available this tick


class SyntheticLiquidity:
    def __init__(self, markets: Mapping[str, MarketPath], levels: int) -> None:
        self._markets = markets
        self._levels = levels
        self._used: dict[tuple[str, str], tuple[int, list[float]]] = {}

    def levels(self, pair: str, k: int, mid: float, book_side: str) -> list[Level]:
        """`book_side` (bid or ask) of `pair` at tick k around `mid`, best first."""
        ticks = self._markets[pair].scalars
        prices = level_prices(
            mid, ticks.half_spread[k], ticks.level_step[k], self._levels, book_side
        )
        sizes = level_qtys(ticks.top_qty[k], self._levels)
        used = self._used_at(pair, book_side, k)
        return [(p, q - u) for p, q, u in zip(prices, sizes, used, strict=True)]

    def consume(self, pair: str, k: int, book_side: str, plan: list[Execution]) -> None:
        used = self._used_at(pair, book_side, k)
        for execution in plan:
            if execution.level >= 0:
                used[execution.level] += execution.qty

    def _used_at(self, pair: str, book_side: str, k: int) -> list[float]:
        tick, used = self._used.get((pair, book_side), (-1, []))
        if tick != k:
            used = [0.0] * self._levels
            self._used[(pair, book_side)] = (k, used)
        return used
