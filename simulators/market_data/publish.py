"""The market-data feed: every reference tick, published after a feed latency.

Latency is lognormal per tick, seeded per pair. A real feed delivers in order, so a slow tick
holds back the ones behind it (head-of-line blocking): a tick becomes available at the latest
arrival so far on its pair, which makes `available_at` >= `ts` and non-decreasing per pair.
Feed outages (feed_chaos) act on the arrivals before that ordering, after the latencies are drawn,
so the ticks outside an outage arrive exactly as they would without it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from simulators.latency import Latency
from simulators.market_data.feed_chaos import FeedOutage, check_pairs, disrupt
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
    reference: pl.DataFrame,
    seed: int,
    latency: FeedLatency = FeedLatency(),
    outages: Sequence[FeedOutage] = (),
) -> pl.DataFrame:
    """MARKET_TICKS from REFERENCE_PRICES (chaos applied: the feed shows the market as it is),
    less the ticks a gap lost, with those a stale feed held back delivered when it recovers."""
    reference = reference.sort("pair", "ts")
    event_us = reference["ts"].dt.epoch("us").to_numpy()
    available_us = np.empty_like(event_us)
    delivered = np.ones(len(event_us), dtype=np.bool_)
    counts = reference.group_by("pair", maintain_order=True).len()
    check_pairs(outages, counts["pair"].to_list())
    start = 0
    for pair, count in counts.iter_rows():
        rows = slice(start, start + count)
        arrival = event_us[rows] + latency.sample_us(stream(seed, pair, "feed_latency"), count)
        arrival, kept = disrupt(pair, event_us[rows], arrival, outages)
        # A lost tick keeps its event time only so the column stays a valid time until filtered.
        available_us[rows] = np.where(kept, np.maximum.accumulate(arrival), event_us[rows])
        delivered[rows] = kept
        start += count
    published = reference.select("ts", "pair", "price", utc_series("available_at", available_us))
    return published.filter(pl.Series(delivered)).cast(MARKET_TICKS)
