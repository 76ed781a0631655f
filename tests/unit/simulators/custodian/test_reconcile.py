"""Settlements reconcile by the end unless a backdoor says otherwise; and when the custodian
stops settling exchange P&L, what is owed stays pending and grows."""

from datetime import datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.custodian import CustodianRun, Cycle
from simulators.venues.chaos import ChaosWindow
from tests.unit.simulators.custodian.kit import (
    CYCLES,
    HOUR,
    MINUTE,
    START,
    hourly,
    overdue,
    run,
    steady_buying,
    visible,
    window,
)

KINDS: dict[str, dict[str, object]] = {
    "settlement_delay": {"by": "90m"},
    "settlement_rejects": {"fraction": 0.7},
    "partial_settlement": {"fraction": 0.4},
    "custodian_offline": {},
}


@settings(max_examples=25, deadline=None)
@given(
    chaos=st.lists(
        st.tuples(st.sampled_from(sorted(KINDS)), st.integers(0, 300), st.integers(1, 180)),
        max_size=3,
    ),
    cycle=st.sampled_from(CYCLES),
)
def test_everything_settles_once_every_window_has_closed(
    chaos: list[tuple[str, int, int]], cycle: Cycle
) -> None:
    windows = [
        window(kind, start * MINUTE, (start + length) * MINUTE, f"c{n}", **KINDS[kind])
        for n, (kind, start, length) in enumerate(chaos)
    ]
    config = hourly(cycle)
    result = run(steady_buying(4), chaos=windows, hours=12, config=config)
    assert result.settlements.height == 8
    assert set(result.settlements["status"]) == {"settled"}
    assert (result.settlements["settled_amount"] == result.settlements["amount"]).all()
    # and the last thing a client saw of each was `settled`
    final = visible(result.prod_settlements, START + 12 * HOUR).sort("ts")
    assert set(final.group_by("settlement_id").last()["status"]) == {"settled"}


def _unsettled_in_truth(result: CustodianRun, at: datetime) -> int:
    states = result.settlement_events.filter(pl.col("ts") <= at).group_by("settlement_id").last()
    return states.filter(pl.col("status") != "settled").height


STOPS = {
    "a long delay": window("settlement_delay", 2 * HOUR, 12 * HOUR, "stop", by="48h"),
    "every settlement rejected": window(
        "settlement_rejects", 2 * HOUR, 12 * HOUR, "stop", fraction=1.0
    ),
    "the custodian offline": window("custodian_offline", 2 * HOUR, 12 * HOUR, "stop"),
}


@pytest.mark.parametrize("stop", list(STOPS.values()), ids=list(STOPS))
def test_when_the_custodian_stops_settling_pending_settlements_grow(stop: ChaosWindow) -> None:
    result = run(steady_buying(12), chaos=[stop], hours=12)
    hours = [START + h * HOUR + timedelta(minutes=5) for h in range(2, 12)]
    unsettled = [_unsettled_in_truth(result, at) for at in hours]
    assert unsettled == sorted(unsettled)
    assert unsettled[-1] > unsettled[0] > 0
    # nothing due from 2h on ever settled: cutoffs 1h..11h, due 2h..12h, BTC and USD each
    late = result.settlements.filter(pl.col("due_at") >= START + 2 * HOUR)
    assert late.height == 2 * 11
    assert "settled" not in set(late["status"])
    assert late["settled_at"].is_null().all()
    seen = [overdue(result.prod_settlements, at).height for at in hours]
    if stop.kind == "custodian_offline":
        # the API is down: a client's last view stays as it was, and its overdue items stay
        assert seen == [2] * len(hours)
    else:
        assert seen == [2 * (h - 1) for h in range(2, 12)]
