"""A scenario's reference prices: candles → ticks → USD legs → chaos → output pairs → pair chaos."""

import polars as pl

from scenarios.loader import ValidScenario
from scenarios.universe import PERPETUALS, split_pair, underlying
from simulators.market_data.chaos import apply_chaos
from simulators.market_data.errors import MarketDataError
from simulators.market_data.legs import DEFAULT_ANCHORS, plan_usd_legs, source_pairs_for, usd_legs
from simulators.market_data.pair_chaos import apply_pair_chaos
from simulators.market_data.pairs import cross_pairs
from simulators.market_data.perpetuals import with_perpetuals
from simulators.market_data.ticks import synthesize_ticks


def reference_prices(
    candles: pl.DataFrame, scenario: ValidScenario
) -> tuple[pl.DataFrame, dict[str, str]]:
    """REFERENCE_PRICES over the scenario window, and each asset's USD derivation (lineage).

    Only the source pairs on the routes to the scenario's assets are synthesised, so a gap in a
    pair nobody needs does not fail the run.
    """
    market = scenario.spec.market
    wanted = sorted({asset for pair in market.pairs for asset in split_pair(pair)})
    spot = sorted({underlying(asset) for asset in wanted})
    source_pairs = sorted(candles["pair"].unique())
    plan = plan_usd_legs(source_pairs, DEFAULT_ANCHORS)
    unpriced = [asset for asset in spot if asset not in plan]
    if unpriced:
        raise MarketDataError(
            f"{scenario.source}: no USD leg for {', '.join(unpriced)} "
            f"(from source pairs: {', '.join(source_pairs) or 'none'})"
        )
    needed = sorted(source_pairs_for(plan, spot))
    ticks = synthesize_ticks(
        candles.filter(pl.col("pair").is_in(needed)),
        market.start,
        market.end,
        market.resolution,
        scenario.spec.seed,
    )
    legs, derivation = usd_legs(ticks, DEFAULT_ANCHORS, wanted=spot)
    legs = with_perpetuals(legs, wanted, scenario.spec.seed)
    derivation |= {
        perpetual: f"{PERPETUALS[perpetual]} × (1 + modelled basis)"
        for perpetual in wanted
        if perpetual in PERPETUALS
    }
    chaotic = apply_chaos(legs, scenario.injections)
    return apply_pair_chaos(cross_pairs(chaotic, market.pairs), scenario.injections), derivation
