"""USD legs: each asset's USD price, derived from the source pairs by the shortest route.

Assumption, stated once: there is no USD market in the bundled data, so USDC stands in for USD
(an anchor priced 1.0). USDT's USD value is then 1 / (USDC/USDT), a real stablecoin series, and
BTC = BTC/USDT × USDT. The search runs breadth-first from the anchors, visiting pairs in sorted
order, so the shortest route wins and ties break the same way every run. A pair B/Q quoting price
p gives B = p·Q and Q = B / p. A pair between two anchors (USDC/USD) is ignored: anchors are fixed.
"""

from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import polars as pl

from simulators.market_data.errors import MarketDataError
from simulators.market_data.wide import wide_on_shared_grid
from simulators.time_grid import UTC_US

DEFAULT_ANCHORS: Mapping[str, float] = MappingProxyType({"USD": 1.0, "USDC": 1.0})
QUOTE_CURRENCY = "USD"
USD_LEGS = pl.Schema({"ts": UTC_US, "asset": pl.String(), "usd_price": pl.Float64()})


@dataclass(frozen=True)
class Anchor:
    """An asset whose USD price is assumed, not observed."""

    asset: str
    usd_price: float


@dataclass(frozen=True)
class Hop:
    """An asset priced through `pair` from the already-priced `via`."""

    asset: str
    pair: str
    via: str

    @property
    def is_base(self) -> bool:
        return split_source_pair(self.pair)[0] == self.asset


Leg = Anchor | Hop


def split_source_pair(pair: str) -> tuple[str, str]:
    base, slash, quote = pair.partition("/")
    if not (base and slash and quote) or "/" in quote:
        raise MarketDataError(f"expected a pair like BTC/USDT, got {pair!r}")
    return base, quote


def plan_usd_legs(pairs: Iterable[str], anchors: Mapping[str, float]) -> dict[str, Leg]:
    """The leg of every asset reachable from the anchors, in breadth-first order."""
    by_asset: dict[str, list[str]] = {}
    for pair in sorted(set(pairs)):
        for asset in split_source_pair(pair):
            by_asset.setdefault(asset, []).append(pair)
    plan: dict[str, Leg] = {asset: Anchor(asset, anchors[asset]) for asset in sorted(anchors)}
    queue = deque(sorted(anchors))
    while queue:
        known = queue.popleft()
        for pair in by_asset.get(known, []):
            base, quote = split_source_pair(pair)
            other = quote if base == known else base
            if other not in plan:
                plan[other] = Hop(other, pair, known)
                queue.append(other)
    return plan


def route(plan: Mapping[str, Leg], assets: Iterable[str]) -> list[Leg]:
    """The legs needed to price `assets`, each after the leg it goes through (plan order)."""
    needed: set[str] = set()
    for asset in assets:
        leg = plan[asset]
        needed.add(leg.asset)
        while isinstance(leg, Hop):
            leg = plan[leg.via]
            needed.add(leg.asset)
    return [leg for asset, leg in plan.items() if asset in needed]


def source_pairs_for(plan: Mapping[str, Leg], assets: Iterable[str]) -> set[str]:
    """The source pairs on the routes of `assets`: all a replay needs to synthesise."""
    return {leg.pair for leg in route(plan, assets) if isinstance(leg, Hop)}


def usd_legs(
    source_ticks: pl.DataFrame,
    anchors: Mapping[str, float] = DEFAULT_ANCHORS,
    *,
    wanted: Collection[str] | None = None,
) -> tuple[pl.DataFrame, dict[str, str]]:
    """USD_LEGS sorted by (asset, ts), and how each emitted asset was derived (for lineage).

    Emits the reachable assets of `wanted`, or by default USD and every derived asset: other
    anchors (USDC) are a route to USD, not an asset anyone asked about.
    """
    plan = plan_usd_legs(source_ticks["pair"].unique(), anchors)
    if wanted is None:
        emitted = sorted(
            a for a, leg in plan.items() if a == QUOTE_CURRENCY or isinstance(leg, Hop)
        )
    else:
        emitted = sorted(a for a in plan if a in wanted)
    legs = route(plan, emitted)
    wide = _wide_prices(source_ticks, {leg.pair for leg in legs if isinstance(leg, Hop)})
    for leg in legs:  # one at a time: a hop reads the column of the leg it goes through
        wide = wide.with_columns(_usd_price(leg).alias(leg.asset))
    long = wide.select("ts", *emitted).unpivot(
        index="ts", variable_name="asset", value_name="usd_price"
    )
    return long.cast(USD_LEGS), {asset: describe(plan, asset) for asset in emitted}


def _wide_prices(source_ticks: pl.DataFrame, pairs: set[str]) -> pl.DataFrame:
    """One row per ts, one column per pair; the pairs must share one time grid."""
    ticks = source_ticks.filter(pl.col("pair").is_in(sorted(pairs)))
    if ticks.is_empty():
        return source_ticks.select("ts").unique().sort("ts")
    wide = wide_on_shared_grid(ticks, "pair", "ts", ["price"])
    gappy = [pair for pair in sorted(pairs) if wide[pair].has_nulls()]
    if gappy:
        raise MarketDataError(f"source ticks of {', '.join(gappy)} are not on one time grid")
    return wide


def _usd_price(leg: Leg) -> pl.Expr:
    if isinstance(leg, Anchor):
        return pl.lit(leg.usd_price, dtype=pl.Float64())
    if leg.is_base:
        return pl.col(leg.pair) * pl.col(leg.via)
    return pl.col(leg.via) / pl.col(leg.pair)


def describe(plan: Mapping[str, Leg], asset: str) -> str:
    """`1 / USDC/USDT`, `BTC/USDT × USDT`, `BTC/USD`: the formula, anchors written as values."""
    leg = plan[asset]
    if isinstance(leg, Anchor):
        return f"{leg.usd_price:g} (anchor)"
    via = plan[leg.via]
    via_text = f"{via.usd_price:g}" if isinstance(via, Anchor) else leg.via
    if not leg.is_base:
        return f"{via_text} / {leg.pair}"
    return leg.pair if via_text == "1" else f"{leg.pair} × {via_text}"
