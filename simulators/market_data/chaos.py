"""Chaos on the USD legs: each leg-borne market_data kind multiplies prices by a factor.

A transform turns one injection into a factor expression over a legs frame (columns ts, asset);
several injections multiply, so a crash during a depeg compounds as it would in a market. The
market_data kinds that break one pair (divergence) or the feed (stale_feed, gap) act later, in
pair_chaos and feed_chaos, so the true USD legs stay untouched by them. Kinds aimed at other
targets (exchange, custodian, strategy) belong to those simulators.
"""

import functools
import operator
from collections.abc import Callable, Sequence

import polars as pl

from scenarios.injections import BasisParams, CrashParams, DepegParams, PriceShockParams
from scenarios.model import TypedInjection
from scenarios.universe import STABLECOINS
from simulators.market_data.errors import MarketDataError
from simulators.market_data.feed_chaos import FEED_KINDS
from simulators.market_data.legs import DEFAULT_ANCHORS
from simulators.market_data.pair_chaos import PAIR_TRANSFORMS
from simulators.market_data.profile import intensity
from simulators.time_grid import UTC_US

TARGET = "market_data"
CHAOS_LEGS = pl.Schema(
    {"ts": UTC_US, "asset": pl.String(), "usd_price": pl.Float64(), "usd_price_clean": pl.Float64()}
)
# Assets that keep a USD value by design rather than by market: USD and the USD proxies we
# anchor on (USDC), plus the stablecoins. A crash leaves them alone unless named.
PEGGED = frozenset(DEFAULT_ANCHORS) | frozenset(STABLECOINS)

Transform = Callable[[TypedInjection, Sequence[str]], pl.Expr]


def apply_chaos(legs: pl.DataFrame, injections: Sequence[TypedInjection]) -> pl.DataFrame:
    """CHAOS_LEGS: `usd_price` after every market_data injection, `usd_price_clean` untouched."""
    assets = sorted(legs["asset"].unique())
    factors = [
        _transform(i.kind)(i, assets)
        for i in injections
        if i.target == TARGET and i.kind not in LATER_STAGES
    ]
    factor = functools.reduce(operator.mul, factors, pl.lit(1.0))
    return legs.select(
        "ts",
        "asset",
        (pl.col("usd_price") * factor).alias("usd_price"),
        pl.col("usd_price").alias("usd_price_clean"),
    )


def crash(injection: TypedInjection, assets: Sequence[str]) -> pl.Expr:
    """Prices fall by `drop` at full intensity: `params.assets`, or every non-pegged asset."""
    params = injection.params_as(CrashParams)
    hit = params.assets if params.assets is not None else [a for a in assets if a not in PEGGED]
    drop = params.drop * intensity(pl.col("ts"), injection.start_ts, params)
    return _on(hit, 1.0 - drop)


def depeg(injection: TypedInjection, assets: Sequence[str]) -> pl.Expr:
    """The stablecoin's USD price moves from its market value towards `to` × that value."""
    params = injection.params_as(DepegParams)
    move = (params.to - 1.0) * intensity(pl.col("ts"), injection.start_ts, params)
    return _on([params.asset], 1.0 + move)


def basis_blowout(injection: TypedInjection, assets: Sequence[str]) -> pl.Expr:
    """The perpetual moves away from spot until its basis is `to` above its normal basis."""
    params = injection.params_as(BasisParams)
    move = params.to * intensity(pl.col("ts"), injection.start_ts, params)
    return _on([params.perpetual], 1.0 + move)


def price_shock(injection: TypedInjection, assets: Sequence[str]) -> pl.Expr:
    """The named assets' USD prices move by the signed `move` at full intensity."""
    params = injection.params_as(PriceShockParams)
    move = params.move * intensity(pl.col("ts"), injection.start_ts, params)
    return _on(params.assets, 1.0 + move)


TRANSFORMS: dict[str, Transform] = {
    "crash": crash,
    "depeg": depeg,
    "basis_blowout": basis_blowout,
    "price_shock": price_shock,
}
# market_data kinds that leave the legs alone: they break a pair, or the feed.
LATER_STAGES = frozenset(PAIR_TRANSFORMS) | FEED_KINDS


def _transform(kind: str) -> Transform:
    if kind not in TRANSFORMS:
        known = ", ".join(sorted(TRANSFORMS.keys() | LATER_STAGES))
        raise MarketDataError(f"no market_data transform for kind {kind!r}; known: {known}")
    return TRANSFORMS[kind]


def _on(assets: Sequence[str], factor: pl.Expr) -> pl.Expr:
    return pl.when(pl.col("asset").is_in(list(assets))).then(factor).otherwise(1.0)
