"""Condition series of the market_data kinds that move one asset, break one pair, or stop the
feed: what happened at each time, measured on audit truth (`audit.reference_prices`).

Each returns (ts/value series, the reference pairs it is read from); the onset is the first time
at or after the injection's start the value reaches `material`, as for every other kind.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

import polars as pl

from correlator.onset import first_at_least, pairs_in, usd_pair
from correlator.truth import Truth
from scenarios.injections import DivergenceParams, FeedChaos, PriceShockParams
from scenarios.model import TypedInjection
from scenarios.universe import QUOTE_CURRENCY, split_pair

Series = tuple[pl.DataFrame, tuple[str, ...]]
SeriesFn = Callable[[TypedInjection, Truth], Series]


def shock_size(injection: TypedInjection, truth: Truth) -> Series:
    """How far any shocked asset's USD price is from its chaos-free price, either way."""
    params = injection.params_as(PriceShockParams)
    prices = truth.reference_prices
    found = [_usd_pair_of(injection, asset, prices) for asset in params.assets]
    direct = [pair for pair, inverted in found if not inverted]
    price, clean = pl.col("price"), pl.col("price_clean")
    # Through USD/X the asset's USD price is 1/price, so its move is clean/price - 1.
    move = pl.when(pl.col("pair").is_in(direct)).then(price / clean).otherwise(clean / price) - 1
    series = (
        prices.lazy()
        .filter(pl.col("pair").is_in([pair for pair, _ in found]))
        .group_by("ts")
        .agg(value=move.abs().max())
        .sort("ts")
        .collect()
    )
    return series, tuple(sorted({pair for pair, _ in found}))


def divergence_gap(injection: TypedInjection, truth: Truth) -> Series:
    """|price / implied − 1| of the pair, implied = USD(base) / USD(quote) from the true USD
    pairs: the cross-rate break itself, whatever else moved the legs meanwhile."""
    params = injection.params_as(DivergenceParams)
    prices = truth.reference_prices
    base, quote = split_pair(params.pair)
    if params.pair not in pairs_in(prices):
        raise ValueError(f"injection {injection.id!r}: no {params.pair} reference prices")
    pair_price = prices.filter(pl.col("pair") == params.pair).select("ts", "price")
    implied = (
        pair_price.join(_usd(injection, base, prices), on="ts")
        .join(_usd(injection, quote, prices), on="ts", suffix="_quote")
        .select("ts", value=(pl.col("price") / (pl.col("usd") / pl.col("usd_quote")) - 1).abs())
        .sort("ts")
    )
    return implied, (params.pair,)


def withheld_seconds(injection: TypedInjection, truth: Truth) -> Series:
    """Seconds since the first tick the feed withheld, over the outage; null outside it.

    The feed's truth is the reference ticks it should have delivered: the outage starts with the
    first of the affected pairs' ticks inside the window, and is material from there (material 0,
    the default): from that tick on the consumer is missing prices it is owed, whatever its own
    staleness threshold, so the SLA clock starts then and `within` has to allow for it. A larger
    `material` (seconds) starts the clock that long into the outage.
    """
    params = injection.params_as(FeedChaos)
    prices = truth.reference_prices
    pairs = sorted(params.pairs) if params.pairs is not None else sorted(pairs_in(prices))
    missing = sorted(set(pairs) - pairs_in(prices))
    if missing:
        raise ValueError(f"injection {injection.id!r}: no {missing[0]} reference prices")
    lasting = params.duration()
    end = None if lasting is None else injection.start_ts + lasting
    ts = pl.col("ts")
    in_window = (
        ts >= injection.start_ts if end is None else ts.is_between(injection.start_ts, end, "left")
    )
    first: datetime | None = (
        prices.lazy()
        .filter(pl.col("pair").is_in(pairs), in_window)
        .select(ts.min())
        .collect()
        .item()
    )
    grid = prices.select(ts.unique().sort())
    if first is None:  # nothing was due in the window: the outage withheld nothing
        return grid.with_columns(value=pl.lit(None, pl.Float64)), tuple(pairs)
    held = (ts >= first) & in_window
    value = pl.when(held).then((ts - first) / timedelta(seconds=1)).cast(pl.Float64)
    return grid.with_columns(value=value), tuple(pairs)


SERIES_OF_KIND: dict[str, SeriesFn] = {
    "price_shock": shock_size,
    "divergence": divergence_gap,
    "stale_feed": withheld_seconds,
    "gap": withheld_seconds,
}


def series_onset(injection: TypedInjection, truth: Truth, material: float) -> datetime | None:
    """First time at or after the injection's start its condition series reaches `material`."""
    series, _ = SERIES_OF_KIND[injection.kind](injection, truth)
    return first_at_least(series, injection.start_ts, material)


def _usd_pair_of(injection: TypedInjection, asset: str, prices: pl.DataFrame) -> tuple[str, bool]:
    found = usd_pair(asset, pairs_in(prices))
    if found is None:
        raise ValueError(
            f"injection {injection.id!r}: no {asset}/{QUOTE_CURRENCY} or "
            f"{QUOTE_CURRENCY}/{asset} reference prices to measure its move"
        )
    return found


def _usd(injection: TypedInjection, asset: str, prices: pl.DataFrame) -> pl.DataFrame:
    """ts, usd: the asset's true USD price (a divergence names no USD leg)."""
    pair, inverted = _usd_pair_of(injection, asset, prices)
    usd = 1 / pl.col("price") if inverted else pl.col("price")
    return prices.filter(pl.col("pair") == pair).select("ts", usd=usd)
