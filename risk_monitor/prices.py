"""USD prices of assets, as visible at each evaluation time.

USD itself is 1. Any other asset A is priced from pair "A/USD" if it has been published, else as
1 / "USD/A". Cross pairs (BTC/ETH) are never chained: a monitor should not invent prices.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl

from risk_monitor.contract import ACCOUNT_BALANCES_TABLE, MARKET_TICKS_TABLE
from risk_monitor.dense import step_on_grid
from risk_monitor.errors import InputContractError
from risk_monitor.point_in_time import as_of, publications

USD = "USD"


@dataclass(frozen=True, eq=False)
class UsdQuotes:
    """Published USD quotes per asset: `direct` from "A/USD", `inverse` from "USD/A" (1/price)."""

    direct: pl.DataFrame
    inverse: pl.DataFrame
    pairs_present: frozenset[str]

    @classmethod
    def from_ticks(cls, ticks: pl.DataFrame) -> "UsdQuotes":
        """Quotes from checked prod.market_ticks."""
        pair, price = pl.col("pair"), pl.col("price")

        def quotes(is_quote: pl.Expr, asset: pl.Expr, usd_price: pl.Expr) -> pl.DataFrame:
            rows = ticks.filter(is_quote).select("ts", "available_at", "price", asset=asset)
            # choose among publications on the published price, and only then convert it
            chosen = publications(rows, ["asset"], ["price"])
            return chosen.select("asset", "available_at", usd=usd_price)

        # the contract guarantees every pair is "BASE/QUOTE" with exactly one "/"
        suffix, prefix = f"/{USD}", f"{USD}/"
        return cls(
            direct=quotes(pair.str.ends_with(suffix), pair.str.head(-len(suffix)), price),
            inverse=quotes(pair.str.starts_with(prefix), pair.str.slice(len(prefix)), 1.0 / price),
            pairs_present=frozenset(ticks["pair"].unique()),
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

    def on_grid(self, times: np.ndarray, asset: str) -> tuple[np.ndarray, np.ndarray]:
        """`asset`'s USD price at each of `times` (µs, as `grid_times`) and whether it has one:
        the direct quote if one is visible, else the inverse one, as `attach` reads them."""
        if asset == USD:
            return np.ones(times.size), np.ones(times.size, dtype=bool)
        price, priced = np.zeros(times.size), np.zeros(times.size, dtype=bool)
        for quotes in (self.inverse, self.direct):  # the direct quote, written last, wins
            rows = quotes.filter(pl.col("asset") == asset)
            at = rows["available_at"].dt.epoch("us").to_numpy()
            value, seen = step_on_grid(times, at, rows["usd"].to_numpy())
            price, priced = np.where(seen, value, price), priced | seen
        return price, priced

    def attach(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`frame` (columns ts and asset, ts ascending within each asset) plus `usd_price` as
        visible at ts; null where the asset has no visible quote yet."""
        return (
            as_of(frame, self.direct, ["asset"])
            .pipe(as_of, self.inverse.rename({"usd": "usd_inverse"}), ["asset"])
            .with_columns(
                usd_price=pl.when(pl.col("asset") == USD)
                .then(pl.lit(1.0))
                .otherwise(pl.coalesce("usd", "usd_inverse"))
            )
            .drop("usd", "usd_inverse")
        )
