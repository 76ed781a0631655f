"""Market data: real candles → seeded ticks → USD legs → chaos → reference pairs → a latent feed."""

from simulators.market_data.chaos import TRANSFORMS, apply_chaos
from simulators.market_data.errors import MarketDataError
from simulators.market_data.legs import DEFAULT_ANCHORS, usd_legs
from simulators.market_data.pairs import cross_pairs
from simulators.market_data.profile import intensity
from simulators.market_data.publish import FeedLatency, publish_ticks
from simulators.market_data.replay import reference_prices
from simulators.market_data.ticks import synthesize_ticks

__all__ = [
    "DEFAULT_ANCHORS",
    "TRANSFORMS",
    "FeedLatency",
    "MarketDataError",
    "apply_chaos",
    "cross_pairs",
    "intensity",
    "publish_ticks",
    "reference_prices",
    "synthesize_ticks",
    "usd_legs",
]
