"""Simulated market data, venues and accounts: pure functions from frames and config to frames."""

# isort: off
from simulators.compiled import CORE  # first: see simulators.compiled

# isort: on
from simulators.accounts import BalanceApiLatency, account_truth, publish_balances
from simulators.latency import Latency
from simulators.market_data import (
    DEFAULT_ANCHORS,
    TRANSFORMS,
    FeedLatency,
    MarketDataError,
    apply_chaos,
    cross_pairs,
    intensity,
    publish_ticks,
    reference_prices,
    synthesize_ticks,
    usd_legs,
)

__all__ = [
    "CORE",
    "DEFAULT_ANCHORS",
    "TRANSFORMS",
    "BalanceApiLatency",
    "FeedLatency",
    "Latency",
    "MarketDataError",
    "account_truth",
    "apply_chaos",
    "cross_pairs",
    "intensity",
    "publish_balances",
    "publish_ticks",
    "reference_prices",
    "synthesize_ticks",
    "usd_legs",
]
