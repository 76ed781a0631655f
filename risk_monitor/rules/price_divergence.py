"""price_divergence: how far a published price is from the one its USD legs imply.

For a cross pair X/Y (neither side USD, e.g. BTC/ETH) the implied price is USD(X) / USD(Y); for a
perpetual X-PERP/Y (e.g. BTC-PERP/USD) it is the spot USD(X) / USD(Y), so the value is its basis.
value = |published / implied − 1| (a fraction), per subject = the pair, from the prices visible
at t. Only pairs whose legs some published pair prices are watched. Null until the pair and both
legs are visible. A feed whose legs lag one another shows a transient gap: the levels and their
hysteresis absorb it. `per_pair` sets levels for one pair (perpetuals trade at a basis).
"""

import polars as pl
from pydantic import Field

from risk_monitor.levels import RULE_SIGNAL, LevelLimits, Levels
from risk_monitor.point_in_time import as_of, publications
from risk_monitor.prices import USD, UsdQuotes
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.overrides import with_overrides

PERPETUAL = "-PERP"


class PriceDivergenceLimits(LevelLimits):
    """Levels are relative gaps (0.01 = 1% from the implied price); `per_pair` overrides."""

    per_pair: dict[str, Levels] = Field(default_factory=dict)


def _watched(quotes: UsdQuotes) -> pl.DataFrame:
    """pair, base (the spot asset), quote: every published pair with an implied price."""
    watched = []
    for pair in sorted(quotes.pairs_present):  # a handful of pairs, not rows
        base, quote = pair.split("/")  # the contract guarantees exactly one "/"
        spot = base.removesuffix(PERPETUAL)
        is_leg = spot == base and USD in (base, quote)  # a USD leg implies nothing but itself
        if not is_leg and quotes.can_price(spot) and quotes.can_price(quote):
            watched.append((pair, spot, quote))
    return pl.DataFrame(
        watched, schema={"pair": pl.String, "base": pl.String, "quote": pl.String}, orient="row"
    )


def _leg_price(frame: pl.DataFrame, quotes: UsdQuotes, leg: str) -> pl.DataFrame:
    priced = quotes.attach(frame.with_columns(asset=pl.col(leg)))
    return priced.drop("asset").rename({"usd_price": f"{leg}_usd"})


def price_divergence(inputs: RuleInputs, limits: PriceDivergenceLimits) -> pl.DataFrame:
    """One row per evaluation time × watched pair (subject = pair); RULE_SIGNAL plus per-pair
    levels."""
    quotes = inputs.usd_quotes
    watched = _watched(quotes)
    ticks = inputs.market_ticks.filter(pl.col("pair").is_in(watched["pair"].implode()))
    published = publications(ticks, ["pair"], ["price"])
    on_grid = as_of(inputs.grid.join(watched, how="cross"), published, ["pair"])
    legs = _leg_price(_leg_price(on_grid, quotes, "base"), quotes, "quote")
    implied = pl.col("base_usd") / pl.col("quote_usd")
    signal = legs.select(
        "ts",
        subject="pair",
        account_id=pl.lit(None, pl.String),  # a market price concerns every mandate
        value=(pl.col("price") / implied - 1.0).abs(),
        armed=pl.lit(True),
    )
    return (
        with_overrides(signal, (pl.col("subject"), limits.per_pair))
        .select(*RULE_SIGNAL.names(), "warning_level", "breach_level")
        .cast(RULE_SIGNAL)
    )
