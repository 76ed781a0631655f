"""The market-data feed: every reference tick, published after a feed latency.

Latency is lognormal per tick, seeded per pair. A real feed delivers in order, so a slow tick
holds back the ones behind it (head-of-line blocking): a tick becomes available at the latest
arrival so far on its pair, which makes `available_at` >= `ts` and non-decreasing per pair.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from simulators.latency import Latency
from simulators.schemas import MARKET_TICKS
from simulators.seeding import stream
from simulators.time_grid import utc_series


@dataclass(frozen=True)
class FeedLatency(Latency):
    """A websocket market-data feed: a quarter second typical, seconds when congested."""

    median: timedelta = timedelta(milliseconds=250)
    sigma: float = 0.6
    cap: timedelta = timedelta(seconds=5)


def publish_ticks(
    reference: pl.DataFrame, seed: int, latency: FeedLatency = FeedLatency()
) -> pl.DataFrame:
    """MARKET_TICKS from REFERENCE_PRICES (chaos applied: the feed shows the market as it is)."""
    reference = reference.sort("pair", "ts")
    event_us = reference["ts"].dt.epoch("us").to_numpy()
    available_us = np.empty_like(event_us)
    start = 0
    for pair, count in reference.group_by("pair", maintain_order=True).len().iter_rows():
        rows = slice(start, start + count)
        arrival = event_us[rows] + latency.sample_us(stream(seed, pair, "feed_latency"), count)
        available_us[rows] = np.maximum.accumulate(arrival)
        start += count
    return reference.select("ts", "pair", "price", utc_series("available_at", available_us)).cast(
        MARKET_TICKS
    )
