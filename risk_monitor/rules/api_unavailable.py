"""api_unavailable: how long each venue endpoint has gone without a successful poll, in seconds.

From the desk's pollers (prod.api_status), per subject "<venue>:<endpoint>": value(t) = t − ts of
the newest visible poll that succeeded, or, while none has, of the first visible poll (the
endpoint has been failing since we started asking). Seconds rather than a count of failed polls:
the age does not depend on the poll rate, and it keeps growing when the poller itself goes
silent. Null before any poll of the endpoint is visible.
"""

import numpy as np

from risk_monitor.dense import age_seconds, grid_times, step_on_grid
from risk_monitor.levels import DurationLevelLimits
from risk_monitor.point_in_time import published_steps
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs

ENDPOINT = ("venue", "endpoint")


class ApiUnavailableLimits(DurationLevelLimits):
    """Levels are durations without a successful poll ("3m"); above the poll period."""


def api_unavailable(inputs: RuleInputs, limits: ApiUnavailableLimits) -> SignalBlock:
    """Per evaluation time × venue endpoint polled (sorted by venue, endpoint)."""
    times = grid_times(inputs.grid)
    by_endpoint = inputs.api_status.partition_by(ENDPOINT, as_dict=True)
    endpoints = sorted(by_endpoint)
    since = np.zeros((times.size, len(endpoints)), dtype=np.int64)
    known = np.zeros(since.shape, dtype=bool)
    for i, endpoint in enumerate(endpoints):
        rows = by_endpoint[endpoint]
        available_at = rows["available_at"].dt.epoch("us").to_numpy()
        ts = rows["ts"].dt.epoch("us").to_numpy()
        ok = rows["ok"].to_numpy()
        # the newest successful poll visible, chosen as any publication is
        polled, seen = step_on_grid(times, *published_steps(available_at[ok], ts[ok], ts[ok]))
        first = np.lexsort((ts, available_at))[0]  # the first poll published
        since[:, i] = np.where(seen, polled, ts[first])
        known[:, i] = seen | (times >= available_at[first])
    return SignalBlock(
        tuple(f"{venue}:{endpoint}" for venue, endpoint in endpoints),
        (None,) * len(endpoints),  # a venue's API serves every mandate
        age_seconds(np.broadcast_to(times[:, None], since.shape), since),
        known,
        np.ones(since.shape, dtype=bool),
    )
