"""Chaos on one output pair: it trades away from the price its USD legs imply.

Applied after the pairs are built from the legs, so the true USD legs, and every other pair, are
untouched: only the named pair breaks the cross rate (BTC/ETH × ETH/USD ≠ BTC/USD), which is
what a cross-pair divergence is. `price_clean` keeps the pair's chaos-free price.
"""

import functools
import operator
from collections.abc import Callable, Sequence

import polars as pl

from scenarios.injections import DivergenceParams
from scenarios.model import TypedInjection
from simulators.market_data.errors import MarketDataError
from simulators.market_data.profile import intensity

TARGET = "market_data"

# One injection, the pairs present → (the pair it breaks, its price factor over rows with ts).
PairTransform = Callable[[TypedInjection, Sequence[str]], tuple[str, pl.Expr]]


def divergence(injection: TypedInjection, pairs: Sequence[str]) -> tuple[str, pl.Expr]:
    """The pair's price moves to (1 + `to`) × its implied price at full intensity."""
    params = injection.params_as(DivergenceParams)
    if params.pair not in pairs:
        raise MarketDataError(
            f"injection {injection.id!r}: params.pair {params.pair!r} is not in market.pairs "
            f"({', '.join(pairs)})"
        )
    return params.pair, 1.0 + params.to * intensity(pl.col("ts"), injection.start_ts, params)


PAIR_TRANSFORMS: dict[str, PairTransform] = {"divergence": divergence}


def apply_pair_chaos(reference: pl.DataFrame, injections: Sequence[TypedInjection]) -> pl.DataFrame:
    """REFERENCE_PRICES with every pair-borne injection applied to `price`; same rows, order."""
    pairs = sorted(reference["pair"].unique())
    hits = [
        PAIR_TRANSFORMS[i.kind](i, pairs)
        for i in injections
        if i.target == TARGET and i.kind in PAIR_TRANSFORMS
    ]
    if not hits:
        return reference
    # Two divergences of one pair compound, as leg factors do.
    factor = functools.reduce(
        operator.mul,
        (pl.when(pl.col("pair") == pair).then(f).otherwise(1.0) for pair, f in hits),
        pl.lit(1.0),
    )
    return reference.with_columns(pl.col("price") * factor)
