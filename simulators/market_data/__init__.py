"""Market data: real candles → seeded ticks → USD legs → chaos → reference pairs → a latent feed."""

from simulators.market_data.chaos import TRANSFORMS, apply_chaos
from simulators.market_data.errors import MarketDataError
from simulators.market_data.feed_chaos import FEED_KINDS, FeedOutage, feed_outages
from simulators.market_data.legs import DEFAULT_ANCHORS, usd_legs
from simulators.market_data.pair_chaos import PAIR_TRANSFORMS, apply_pair_chaos
from simulators.market_data.pairs import cross_pairs
from simulators.market_data.profile import intensity
from simulators.market_data.publish import FeedLatency, publish_ticks
from simulators.market_data.replay import reference_prices
from simulators.market_data.ticks import synthesize_ticks

__all__ = [
    "DEFAULT_ANCHORS",
    "FEED_KINDS",
    "PAIR_TRANSFORMS",
    "TRANSFORMS",
    "FeedLatency",
    "FeedOutage",
    "MarketDataError",
    "apply_chaos",
    "apply_pair_chaos",
    "cross_pairs",
    "feed_outages",
    "intensity",
    "publish_ticks",
    "reference_prices",
    "synthesize_ticks",
    "usd_legs",
]
