"""Output pairs from USD legs: price = base_usd / quote_usd, with and without chaos.

Every pair is a ratio of the same legs, so cross rates hold by construction
(BTC/ETH × ETH/USD == BTC/USD up to rounding) unless a scenario breaks them on purpose.
"""

from collections.abc import Iterable

import polars as pl

from scenarios.universe import split_pair
from simulators.market_data.errors import MarketDataError
from simulators.market_data.wide import wide_on_shared_grid
from simulators.schemas import REFERENCE_PRICES

_SEPARATOR = "|"


def cross_pairs(legs_with_chaos: pl.DataFrame, pairs: Iterable[str]) -> pl.DataFrame:
    """REFERENCE_PRICES for `pairs`, sorted by (pair, ts)."""
    wide = wide_on_shared_grid(
        legs_with_chaos, "asset", "ts", ["usd_price", "usd_price_clean"], _SEPARATOR
    )
    # Built pair by pair in sorted order over a ts-sorted frame, so already sorted by (pair, ts).
    frames = [_pair(wide, pair) for pair in sorted(set(pairs))]
    if not frames:
        return REFERENCE_PRICES.to_frame()
    return pl.concat(frames)


def _pair(wide: pl.DataFrame, pair: str) -> pl.DataFrame:
    base, quote = split_pair(pair)
    for asset in (base, quote):
        column = f"usd_price{_SEPARATOR}{asset}"
        if column not in wide.columns:
            raise MarketDataError(f"{pair}: no USD leg for {asset}")
        if wide[column].has_nulls():
            raise MarketDataError(f"{pair}: the USD leg of {asset} has gaps")

    def ratio(value: str) -> pl.Expr:
        base_usd = pl.col(f"{value}{_SEPARATOR}{base}")
        return base_usd / pl.col(f"{value}{_SEPARATOR}{quote}")

    return wide.select(
        "ts",
        pl.lit(pair, dtype=pl.String()).alias("pair"),
        ratio("usd_price").alias("price"),
        ratio("usd_price_clean").alias("price_clean"),
    ).cast(REFERENCE_PRICES)
