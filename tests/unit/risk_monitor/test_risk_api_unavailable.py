"""api_unavailable: seconds since an endpoint last answered, from the desk's pollers.

Levels 4 s and 8 s, clear_ratio 0.5.
"""

import pytest

from risk_monitor import MonitorOutput, evaluate
from tests.unit.risk_monitor.frames import (
    NO_BALANCES,
    at,
    column,
    events,
    polls,
    rule_limits,
    ticks,
)

LIMITS = rule_limits("api_unavailable", warning="4s", breach="8s", clear_ratio=0.5)
MARKET = ticks((0, "BTC/USD", 100.0, 0))


def run(*rows: tuple[float, str, bool, float], until: float) -> MonitorOutput:
    return evaluate(MARKET, NO_BALANCES, LIMITS, at(0), at(until), api_status=polls(*rows))


def failing_after_first(until: int) -> MonitorOutput:
    """The settlements endpoint answers at 0, then fails every second."""
    rows = [(0, "settlements", True, 0), *((t, "settlements", False, t) for t in range(1, 12))]
    return run(*rows, until=until)


@pytest.mark.parametrize(
    ("until", "state"), [(3, "ok"), (4, "warning"), (5, "warning"), (7, "warning"), (8, "breach")]
)
def test_level_edges(until: int, state: str) -> None:
    output = failing_after_first(until)

    assert column(output, "value")[-1] == float(until)
    assert column(output, "state")[-1] == state


def test_subject_is_venue_and_endpoint_and_an_ok_poll_clears() -> None:
    output = run((0, "settlements", True, 0), (6, "settlements", True, 6), until=6)

    assert column(output, "subject")[0] == "custodian:settlements"
    assert events(output) == [(4, "medium", "raised"), (6, "medium", "cleared")]


def test_an_endpoint_that_never_answered_is_down_since_the_first_poll() -> None:
    output = run((1, "balances", False, 1), (3, "balances", False, 3), until=5)

    assert column(output, "value") == [None, 0.0, 1.0, 2.0, 3.0, 4.0]
    assert column(output, "state")[-1] == "warning"


def test_a_silent_poller_counts_as_unavailable() -> None:
    output = run((0, "balances", True, 0), until=9)

    assert column(output, "state")[-1] == "breach"


def test_slow_answers_around_the_level_raise_once() -> None:
    # an ok poll every 4 s, each visible 2 s later: the age runs 2, 3, 4, 5, 2, 3, 4, 5 …
    output = run(*((t, "balances", True, t + 2) for t in range(0, 24, 4)), until=24)

    assert events(output) == [(4, "medium", "raised")]


def test_endpoints_are_separate_subjects() -> None:
    output = run((0, "balances", True, 0), (0, "settlements", False, 0), until=0)

    assert output.signals.select("subject", "value").rows() == [
        ("custodian:balances", 0.0),
        ("custodian:settlements", 0.0),
    ]
