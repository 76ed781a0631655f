"""price_divergence: how far a published price is from the one its USD legs imply.

For a cross pair X/Y (neither side USD, e.g. BTC/ETH) the implied price is USD(X) / USD(Y); for a
perpetual X-PERP/Y (e.g. BTC-PERP/USD) it is the spot USD(X) / USD(Y), so the value is its basis.
value = |published / implied − 1| (a fraction), per subject = the pair, from the prices visible
at t. Only pairs whose legs some published pair prices are watched. Null until the pair and both
legs are visible. A feed whose legs lag one another shows a transient gap: the levels and their
hysteresis absorb it. `per_pair` sets levels for one pair (perpetuals trade at a basis).
"""

import numpy as np
import polars as pl
from pydantic import Field

from risk_monitor.dense import grid_times, step_on_grid
from risk_monitor.levels import LevelLimits, Levels
from risk_monitor.prices import USD, UsdQuotes
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs

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


def price_divergence(inputs: RuleInputs, limits: PriceDivergenceLimits) -> SignalBlock:
    """Per evaluation time × watched pair (subject = pair), with per-pair levels."""
    quotes, times = inputs.usd_quotes, grid_times(inputs.grid)
    watched = _watched(quotes)
    values, known = [], []
    for pair, base, quote in watched.iter_rows():
        price, published = step_on_grid(times, *quotes.published(pair))
        base_usd, base_known = quotes.on_grid(times, base)
        quote_usd, quote_known = quotes.on_grid(times, quote)
        implied = base_usd / np.where(quote_known, quote_usd, 1.0)
        values.append(np.abs(price / np.where(base_known, implied, 1.0) - 1.0))
        known.append(published & base_known & quote_known)
    pairs = tuple(watched["pair"])
    levels = {
        level: tuple(
            None if pair not in limits.per_pair else getattr(limits.per_pair[pair], level)
            for pair in pairs
        )
        for level in ("warning", "breach")
    }
    shape = (times.size, len(pairs))
    return SignalBlock(
        pairs,
        (None,) * len(pairs),  # a market price concerns every mandate
        np.column_stack(values) if values else np.zeros(shape),
        np.column_stack(known) if known else np.zeros(shape, dtype=bool),
        np.ones(shape, dtype=bool),
        warning_level=levels["warning"],
        breach_level=levels["breach"],
    )
