"""The price the venue published: the reference moved by the impact of fills on this venue."""

from collections.abc import Mapping

import numpy as np
import polars as pl

from simulators.exchange.impact import Impact
from simulators.exchange.market import MarketPath
from simulators.schemas import REFERENCE_PRICES
from simulators.time_grid import utc_series


def venue_prices(markets: Mapping[str, MarketPath], impact: Mapping[str, Impact]) -> pl.DataFrame:
    """REFERENCE_PRICES at every reference tick: `price` with this venue's impact, `price_clean`
    the reference it was built on. Sorted by (pair, ts)."""
    frames = [
        pl.DataFrame(
            {
                "ts": utc_series("ts", market.ts),
                "pair": pl.repeat(pair, market.ts.size, dtype=pl.String(), eager=True),
                "price": market.reference * np.exp(impact[pair].along(market.ts)),
                "price_clean": market.reference,
            }
        )
        for pair, market in sorted(markets.items())
    ]
    return pl.concat(frames).cast(REFERENCE_PRICES) if frames else REFERENCE_PRICES.to_frame()
