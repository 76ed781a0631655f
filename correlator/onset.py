"""When an injected condition became material, measured from audit truth alone.

The SLA clock starts at this onset. It is computed from the reference prices with and without chaos
(`audit.reference_prices`), never from the monitor's signals, so the judge cannot inherit the
monitor's blind spots.
"""

from collections.abc import Callable
from datetime import datetime

import polars as pl

from scenarios.injections import (
    KINDS,
    BasisParams,
    CrashParams,
    DepegParams,
    DivergenceParams,
    FeedChaos,
    PriceShockParams,
)
from scenarios.model import Expectation, TypedInjection
from scenarios.universe import QUOTE_CURRENCY, STABLECOINS, split_pair

# A ramp that lands exactly on the threshold (0.95 * clean for a 5% drop) can come out a few ulps
# short of it in floating point; an absolute slack far below any meaningful magnitude absorbs that.
FLOAT_SLACK = 1e-9

PriceOnsetFn = Callable[[TypedInjection, pl.DataFrame, float], datetime | None]


def material_for(expectation: Expectation, injection: TypedInjection) -> float:
    """The magnitude that makes the condition material: the expectation's, else the kind's."""
    if expectation.material is not None:
        return expectation.material
    return KINDS[injection.kind].material_default


def crash_pairs(injection: TypedInjection, reference_prices: pl.DataFrame) -> list[str]:
    """The USD pairs (X/USD or USD/X) a crash is measured on: every affected asset that has one."""
    direct, inverted = _crash_pairs(injection, reference_prices)
    return direct + inverted


def crash_depth(injection: TypedInjection, reference_prices: pl.DataFrame) -> pl.DataFrame:
    """ts, value: the deepest injected drop of any affected asset's USD price, at each time."""
    direct, inverted = _crash_pairs(injection, reference_prices)
    price, clean = pl.col("price"), pl.col("price_clean")
    # Through USD/X the asset's USD price is 1/price, so the drop is 1 - clean/price.
    drop = (
        pl.when(pl.col("pair").is_in(inverted)).then(1 - clean / price).otherwise(1 - price / clean)
    )
    return (
        reference_prices.lazy()
        .filter(pl.col("pair").is_in(direct + inverted))
        .group_by("ts")
        .agg(value=drop.max())
        .sort("ts")
        .collect()
    )


def crash_onset(
    injection: TypedInjection, reference_prices: pl.DataFrame, material: float
) -> datetime | None:
    """First time any affected asset's USD price is `material` below its chaos-free price."""
    return first_at_least(crash_depth(injection, reference_prices), injection.start_ts, material)


def depeg_pair(injection: TypedInjection, reference_prices: pl.DataFrame) -> tuple[str, bool]:
    """The pair that prices the depegged stablecoin in USD, and whether it is inverted (USD/X)."""
    params = injection.params_as(DepegParams)
    found = usd_pair(params.asset, pairs_in(reference_prices))
    if found is None:
        raise ValueError(
            f"injection {injection.id!r}: no {params.asset}/{QUOTE_CURRENCY} or "
            f"{QUOTE_CURRENCY}/{params.asset} reference prices to measure its peg"
        )
    return found


def depeg_distance(
    injection: TypedInjection,
    reference_prices: pl.DataFrame,
    found: tuple[str, bool] | None = None,
) -> pl.DataFrame:
    """ts, value: how far the stablecoin's USD price is from 1.00, at each time. `found`: the
    injection's `depeg_pair`, when the caller has it already."""
    pair, inverted = found if found is not None else depeg_pair(injection, reference_prices)
    usd_price = 1 / pl.col("price") if inverted else pl.col("price")
    return (
        reference_prices.filter(pl.col("pair") == pair)
        .select("ts", value=(usd_price - 1).abs())
        .sort("ts")
    )


def depeg_onset(
    injection: TypedInjection, reference_prices: pl.DataFrame, material: float
) -> datetime | None:
    """First time the stablecoin's USD price is at least `material` away from 1.00."""
    return first_at_least(depeg_distance(injection, reference_prices), injection.start_ts, material)


def first_at_least(
    series: pl.DataFrame, since: datetime | None, material: float
) -> datetime | None:
    """First `ts` (at or after `since`) where a condition series `value` reaches `material`."""
    reached = pl.col("value") >= material - FLOAT_SLACK
    if since is not None:
        reached = reached & (pl.col("ts") >= since)
    first: datetime | None = (
        series.lazy().filter(reached).select(pl.col("ts").min()).collect().item()
    )
    return first


def basis_pair(injection: TypedInjection, reference_prices: pl.DataFrame) -> str:
    params = injection.params_as(BasisParams)
    found = usd_pair(params.perpetual, pairs_in(reference_prices))
    if found is None:
        raise ValueError(f"injection {injection.id!r}: no {params.perpetual} USD reference prices")
    return found[0]


def basis_gap(injection: TypedInjection, reference_prices: pl.DataFrame) -> pl.DataFrame:
    """ts, value: how far the perpetual's price is from its price without the injection."""
    pair = basis_pair(injection, reference_prices)
    return (
        reference_prices.filter(pl.col("pair") == pair)
        .select("ts", value=(pl.col("price") / pl.col("price_clean") - 1).abs())
        .sort("ts")
    )


def basis_onset(
    injection: TypedInjection, reference_prices: pl.DataFrame, material: float
) -> datetime | None:
    """First time the perpetual is `material` away from where its normal basis had it."""
    return first_at_least(basis_gap(injection, reference_prices), injection.start_ts, material)


PRICE_ONSETS: dict[str, PriceOnsetFn] = {
    "crash": crash_onset,
    "depeg": depeg_onset,
    "basis_blowout": basis_onset,
}


def describe_condition(injection: TypedInjection, material: float) -> str:
    """The material condition in words, for scorecard sentences: 'drop ≥ 5%'."""
    percent = f"{material * 100:g}%"
    if isinstance(injection.params, CrashParams):
        return f"drop ≥ {percent}"
    if isinstance(injection.params, DepegParams):
        return f"{injection.params.asset} off its peg by ≥ {percent}"
    if isinstance(injection.params, BasisParams):
        return f"{injection.params.perpetual} basis moved by ≥ {percent}"
    if isinstance(injection.params, PriceShockParams):
        return f"{', '.join(injection.params.assets)} moved by ≥ {percent}"
    if isinstance(injection.params, DivergenceParams):
        return f"{injection.params.pair} off its implied price by ≥ {percent}"
    if isinstance(injection.params, FeedChaos):
        feed = ", ".join(injection.params.pairs or ["every pair"])
        lost = "lost" if injection.kind == "gap" else "held back"
        return f"ticks of {feed} {lost}" + (f" for ≥ {material:g} s" if material else "")
    meaning = KINDS[injection.kind].material_meaning
    return meaning if material == 0 else f"{meaning} ≥ {material:,.0f}"


def pairs_in(reference_prices: pl.DataFrame) -> set[str]:
    return set(reference_prices.get_column("pair").unique().to_list())


def _crashed_assets(params: CrashParams, pairs: set[str]) -> list[str]:
    if params.assets is not None:
        return list(params.assets)
    priced = sorted({asset for pair in pairs for asset in _assets_of(pair)})
    return [a for a in priced if a != QUOTE_CURRENCY and a not in STABLECOINS]


def _assets_of(pair: str) -> tuple[str, ...]:
    """Both assets of a spot pair; nothing for pairs outside the universe (e.g. perpetuals)."""
    try:
        return split_pair(pair)
    except ValueError:
        return ()


def usd_pair(asset: str, pairs: set[str]) -> tuple[str, bool] | None:
    """The pair that prices `asset` in USD and whether it is inverted (USD/X); X/USD preferred."""
    if f"{asset}/{QUOTE_CURRENCY}" in pairs:
        return f"{asset}/{QUOTE_CURRENCY}", False
    if f"{QUOTE_CURRENCY}/{asset}" in pairs:
        return f"{QUOTE_CURRENCY}/{asset}", True
    return None


def _crash_pairs(
    injection: TypedInjection, reference_prices: pl.DataFrame
) -> tuple[list[str], list[str]]:
    """(X/USD pairs, USD/X pairs) of the assets a crash hits."""
    params = injection.params_as(CrashParams)
    pairs = pairs_in(reference_prices)
    usd_pairs = {asset: usd_pair(asset, pairs) for asset in _crashed_assets(params, pairs)}
    unpriced = [asset for asset, found in usd_pairs.items() if found is None]
    if params.assets is not None and unpriced:
        raise ValueError(
            f"injection {injection.id!r}: no {unpriced[0]}/{QUOTE_CURRENCY} or "
            f"{QUOTE_CURRENCY}/{unpriced[0]} reference prices to measure its drop"
        )
    # An asset priced only against other crypto has no USD drop to measure; a coordinated
    # crash shows on the assets that do have one.
    direct = [found[0] for found in usd_pairs.values() if found and not found[1]]
    inverted = [found[0] for found in usd_pairs.values() if found and found[1]]
    if not direct and not inverted:
        raise ValueError(f"injection {injection.id!r}: no USD reference prices for any asset")
    return direct, inverted
