"""data_staleness: the age of each feed's newest visible row; a feed that stops is an alert.

Levels 4 s and 8 s (written "4s", "8s"), clear_ratio 0.5; balances override to 20 s and 40 s.
"""

import pytest

from risk_monitor import MonitorOutput, evaluate
from tests.unit.risk_monitor.frames import (
    NO_BALANCES,
    at,
    balances,
    column,
    events,
    rule_limits,
    ticks,
)

LIMITS = rule_limits(
    "data_staleness",
    warning="4s",
    breach="8s",
    clear_ratio=0.5,
    per_source={"account_balances": {"warning": "20s", "breach": "40s"}},
)


def run_ticks(*times: float, until: float) -> MonitorOutput:
    """A BTC/USD tick at each time, published at once."""
    market = ticks(*((t, "BTC/USD", 100.0, t) for t in times))
    return evaluate(market, NO_BALANCES, LIMITS, at(0), at(until))


@pytest.mark.parametrize(
    ("until", "age", "state"),
    [(3, 3.0, "ok"), (4, 4.0, "warning"), (5, 5.0, "warning"), (8, 8.0, "breach")],
)
def test_level_edges_of_a_feed_that_stopped(until: int, age: float, state: str) -> None:
    output = run_ticks(0, until=until)

    assert column(output, "value")[-1] == age
    assert column(output, "state")[-1] == state


def test_a_stopped_feed_raises_then_clears_when_it_resumes() -> None:
    output = run_ticks(0, 1, 12, until=13)

    assert column(output, "subject")[0] == "market_ticks:BTC/USD"
    assert events(output) == [
        (5, "medium", "raised"),
        (9, "high", "raised"),
        (12, "high", "cleared"),
        (12, "medium", "cleared"),
    ]


def test_a_feed_lagging_around_the_level_raises_once() -> None:
    # every second a tick, published 3 s then 4 s late in turn: the age flaps between 3 and 4
    market = ticks(*((t, "BTC/USD", 100.0, t + 3 + t % 2) for t in range(12)))

    output = evaluate(market, NO_BALANCES, LIMITS, at(0), at(12))

    assert column(output, "value")[3:] == [3.0, 4.0] * 5
    assert events(output) == [(4, "medium", "raised")]


def test_balances_are_stale_per_venue_with_their_own_levels() -> None:
    book = balances((0, "desk_a", "BTC", 1.0, 1), (0, "desk_b", "BTC", 1.0, 0))

    output = evaluate(ticks((0, "BTC/USD", 1.0, 0)), book, LIMITS, at(0), at(20))

    venue = output.signals.filter(subject="account_balances:exchange")
    assert venue["value"].to_list() == [float(t) for t in range(21)]
    assert venue["warning_level"].unique().to_list() == [20.0]
    assert venue["state"].to_list()[-2:] == ["ok", "warning"]


def test_no_data_before_the_first_row_is_visible() -> None:
    output = evaluate(ticks((0, "BTC/USD", 100.0, 2)), NO_BALANCES, LIMITS, at(0), at(3))

    assert column(output, "value") == [None, None, 2.0, 3.0]
    assert column(output, "state") == ["no_data", "no_data", "ok", "ok"]


def test_a_late_row_older_than_the_newest_does_not_make_the_feed_fresher() -> None:
    market = ticks((5, "BTC/USD", 100.0, 5), (4, "BTC/USD", 100.0, 7))

    output = evaluate(market, NO_BALANCES, LIMITS, at(5), at(8))

    assert column(output, "value") == [0.0, 1.0, 2.0, 3.0]
