"""USD prices of assets, as visible at each evaluation time.

USD itself is 1. Any other asset A is priced from pair "A/USD" if it has been published, else as
1 / "USD/A". Cross pairs (BTC/ETH) are never chained: a monitor should not invent prices.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl

from risk_monitor.contract import ACCOUNT_BALANCES_TABLE, MARKET_TICKS_TABLE
from risk_monitor.dense import step_on_grid
from risk_monitor.errors import InputContractError
from risk_monitor.point_in_time import published_steps

USD = "USD"


@dataclass(frozen=True, eq=False)
class UsdQuotes:
    """Published USD quotes per asset: direct from "A/USD", else inverse from "USD/A" (1/price)."""

    ticks: pl.DataFrame
    pairs_present: frozenset[str]

    @classmethod
    def from_ticks(cls, ticks: pl.DataFrame) -> "UsdQuotes":
        """Quotes from checked prod.market_ticks."""
        return cls(ticks, frozenset(ticks["pair"].unique()))

    @cached_property
    def by_pair(self) -> dict[str, pl.DataFrame]:
        """Each pair's ticks (data_staleness reads them too: a partition of every tick)."""
        return {
            pair: rows for (pair,), rows in self.ticks.partition_by("pair", as_dict=True).items()
        }

    @cached_property
    def _published(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        return {}

    def published(self, pair: str) -> tuple[np.ndarray, np.ndarray]:
        """(available_at µs ascending, price) of `pair`'s publications (see point_in_time)."""
        if pair not in self._published:
            self._published[pair] = self._publish(pair)
        return self._published[pair]

    def _publish(self, pair: str) -> tuple[np.ndarray, np.ndarray]:
        rows = self.by_pair.get(pair)
        if rows is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return published_steps(
            rows["available_at"].dt.epoch("us").to_numpy(),
            rows["ts"].dt.epoch("us").to_numpy(),
            rows["price"].to_numpy(),
        )

    def can_price(self, asset: str) -> bool:
        """Whether some published pair prices `asset` in USD (at some time)."""
        present = self.pairs_present
        return asset == USD or f"{asset}/USD" in present or f"USD/{asset}" in present

    def require(self, assets: Iterable[str]) -> None:
        """Raise InputContractError naming every asset no published pair could ever price."""
        unpriceable = sorted(asset for asset in set(assets) if not self.can_price(asset))
        if unpriceable:
            pairs = ", ".join(sorted(self.pairs_present)) or "none"
            raise InputContractError(
                "\n".join(
                    f"{MARKET_TICKS_TABLE}: no USD price for asset {asset!r} of "
                    f"{ACCOUNT_BALANCES_TABLE}: need pair '{asset}/USD' or 'USD/{asset}'; "
                    f"pairs present: {pairs}"
                    for asset in unpriceable
                )
            )

    @cached_property
    def _on_grid(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        return {}

    def on_grid(self, times: np.ndarray, asset: str) -> tuple[np.ndarray, np.ndarray]:
        """`asset`'s USD price at each of `times` (µs, as `grid_times`) and whether it has one:
        the direct quote if one is visible, else the inverse one. Read-only arrays: several
        rules read the same asset on the same grid, which is priced once."""
        cached = self._on_grid.get(asset)
        if cached is not None and np.array_equal(cached[0], times):
            return cached[1], cached[2]
        price, priced = self._price_on_grid(times, asset)
        price.flags.writeable = priced.flags.writeable = False
        self._on_grid[asset] = (times.copy(), price, priced)
        return price, priced

    def _price_on_grid(self, times: np.ndarray, asset: str) -> tuple[np.ndarray, np.ndarray]:
        if asset == USD:
            return np.ones(times.size), np.ones(times.size, dtype=bool)
        at, inverse = self.published(f"{USD}/{asset}")
        # choose on the published price, and only then convert it
        price, priced = step_on_grid(times, at, 1.0 / inverse)
        at, direct = self.published(f"{asset}/{USD}")
        value, seen = step_on_grid(times, at, direct)  # the direct quote wins
        return np.where(seen, value, price), priced | seen
