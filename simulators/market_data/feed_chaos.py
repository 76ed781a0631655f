"""Chaos on the production market-data feed: outages of some pairs' ticks, not of their prices.

`stale_feed`: the feed stops delivering and, when it recovers, delivers everything it held back in
one burst, in order (a stalled websocket that reconnects and replays its buffer). `gap`: the ticks
of the window are lost for good (a feed handler that drops messages). The true prices carry on in
audit; only prod.market_ticks shows the outage.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from scenarios.injections import FeedChaos
from scenarios.model import TypedInjection
from simulators.market_data.errors import MarketDataError
from simulators.time_grid import to_us

STALE_FEED = "stale_feed"
GAP = "gap"
FEED_KINDS = frozenset({STALE_FEED, GAP})
TARGET = "market_data"
# Arrival of a lost tick: below any real arrival, so it holds nothing back behind it.
_NEVER = np.iinfo(np.int64).min


@dataclass(frozen=True)
class FeedOutage:
    """The feed of `pairs` (None: every pair) is out over [start_us, end_us)."""

    injection_id: str
    kind: str
    pairs: frozenset[str] | None
    start_us: int
    end_us: int

    def covers(self, pair: str) -> bool:
        return self.pairs is None or pair in self.pairs


def feed_outages(
    injections: Sequence[TypedInjection], scenario_end: datetime
) -> tuple[FeedOutage, ...]:
    """The feed outages the scenario injects, in its order; each lasts to the end unless it
    recovers (`recover_after`)."""
    outages = []
    for injection in injections:
        if injection.target != TARGET or injection.kind not in FEED_KINDS:
            continue
        params = injection.params_as(FeedChaos)
        outages.append(
            FeedOutage(
                injection_id=injection.id,
                kind=injection.kind,
                pairs=None if params.pairs is None else frozenset(params.pairs),
                start_us=to_us(injection.start_ts),
                end_us=to_us(injection.end_ts(scenario_end)),
            )
        )
    return tuple(outages)


def check_pairs(outages: Sequence[FeedOutage], published: Collection[str]) -> None:
    """Every pair an outage names is one the feed publishes, else an error naming it."""
    for outage in outages:
        unknown = sorted((outage.pairs or frozenset()) - set(published))
        if unknown:
            raise MarketDataError(
                f"injection {outage.injection_id!r}: params.pairs names {unknown[0]!r}, "
                f"which the feed does not publish ({', '.join(sorted(published))})"
            )


def disrupt(
    pair: str,
    event_us: NDArray[np.int64],
    arrival_us: NDArray[np.int64],
    outages: Sequence[FeedOutage],
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """(arrival times, delivered mask) of one pair's ticks after the outages that cover it.

    A stale feed delays every arrival that falls inside its window to the window's end; a gap
    loses every tick whose event time falls inside it. A lost tick is given an arrival no other
    can wait behind, so the caller's in-order delivery ignores it.
    """
    arrival = arrival_us.copy()
    delivered = np.ones(len(event_us), dtype=np.bool_)
    for outage in outages:
        if not outage.covers(pair):
            continue
        if outage.kind == STALE_FEED:
            held = (arrival >= outage.start_us) & (arrival < outage.end_us)
            arrival[held] = outage.end_us
        else:
            delivered &= ~((event_us >= outage.start_us) & (event_us < outage.end_us))
    arrival[~delivered] = _NEVER
    return arrival, delivered
