"""order_rate and reject_rate over prod.exchange_orders: trailing windows of distinct orders.

order_rate uses a 10 s window, so one order in it is 6 per minute; levels 12 and 24 (2 and 4
orders). reject_rate uses a 1 min window, min_orders 4, levels 0.25 and 0.5.
"""

import pytest

from risk_monitor import Limits, MonitorOutput, evaluate, limits_from_mapping
from tests.unit.risk_monitor.frames import NO_BALANCES, at, column, events, orders, ticks

MARKET = ticks((0, "BTC/USD", 100.0, 0))
RATE = limits_from_mapping(
    {
        "version": 1,
        "rules": {"order_rate": {"window": "10s", "warning": 12, "breach": 24, "clear_ratio": 0.5}},
    },
    "test",
)
REJECTS = limits_from_mapping(
    {
        "version": 1,
        "rules": {
            "reject_rate": {
                "window": "1m",
                "min_orders": 4,
                "warning": 0.25,
                "breach": 0.5,
                "clear_ratio": 0.5,
            }
        },
    },
    "test",
)


def run(limits: Limits, *rows: tuple[float, str, str, str, float], until: float) -> MonitorOutput:
    return evaluate(MARKET, NO_BALANCES, limits, at(0), at(until), exchange_orders=orders(*rows))


def accepted(*times: float, account: str = "desk_a") -> list[tuple[float, str, str, str, float]]:
    """One new order per time, accepted and visible at once, ids <account>-o<time>."""
    return [(t, f"{account}-o{t:g}", account, "accepted", t) for t in times]


@pytest.mark.parametrize(
    ("count", "state"), [(1, "ok"), (2, "warning"), (3, "warning"), (4, "breach"), (5, "breach")]
)
def test_order_rate_level_edges(count: int, state: str) -> None:
    output = run(RATE, *accepted(*range(count)), until=count - 1)

    assert column(output, "value")[-1] == 6.0 * count
    assert column(output, "state")[-1] == state


def test_an_order_leaves_the_window_after_it_and_updates_count_once() -> None:
    rows = [
        *accepted(0),
        (0, "desk_a-o0", "desk_a", "partially_filled", 2),
        (0, "desk_a-o0", "desk_a", "filled", 4),
    ]

    output = run(RATE, *rows, until=11)

    # first visible at 0: in (t − 10 s, t] for t = 0 … 9
    assert column(output, "value") == [6.0] * 10 + [0.0] * 2


def test_an_order_counts_from_when_it_was_first_visible() -> None:
    output = run(RATE, (0, "o1", "desk_a", "accepted", 3), until=4)

    assert column(output, "value") == [0.0, 0.0, 0.0, 6.0, 6.0]


def test_order_rate_flapping_around_the_warning_raises_once() -> None:
    # 2 orders (12/min), then 1 (6/min: below warning, not below 12 × 0.5), then 2 again …
    output = run(RATE, *accepted(0, 1, 11, 12, 22, 23), until=34)

    assert events(output) == [(1, "medium", "raised"), (33, "medium", "cleared")]


def test_each_account_is_its_own_subject() -> None:
    output = run(RATE, *accepted(0, 1), *accepted(0, account="desk_b"), until=1)

    last = output.signals.filter(output.signals["ts"] == at(1))
    assert last.select("subject", "value").rows() == [("desk_a", 12.0), ("desk_b", 6.0)]


def rejected(*times: float) -> list[tuple[float, str, str, str, float]]:
    return [(t, f"r{t:g}", "desk_a", "rejected", t) for t in times]


@pytest.mark.parametrize(
    ("accepted_count", "rejected_count", "value", "state"),
    [
        (4, 1, 0.2, "ok"),
        (3, 1, 0.25, "warning"),
        (3, 2, 0.4, "warning"),
        (2, 2, 0.5, "breach"),
        (1, 3, 0.75, "breach"),
    ],
)
def test_reject_rate_level_edges(
    accepted_count: int, rejected_count: int, value: float, state: str
) -> None:
    rows = [*accepted(*range(accepted_count)), *rejected(*range(10, 10 + rejected_count))]

    output = run(REJECTS, *rows, until=20)

    assert column(output, "value")[-1] == value
    assert column(output, "state")[-1] == state


def test_reject_rate_is_disarmed_below_min_orders() -> None:
    output = run(REJECTS, *rejected(0, 1, 2), until=3)

    assert column(output, "value") == [1.0, 1.0, 1.0, 1.0]
    assert events(output) == []


def test_a_rejection_counts_once_it_is_visible() -> None:
    # o0 is accepted at 0; the exchange shows its rejection only at 5
    rows = [*accepted(0, 1, 2, 3), (0, "desk_a-o0", "desk_a", "rejected", 5)]

    output = run(REJECTS, *rows, until=6)

    assert column(output, "value") == [0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 0.25]


def test_reject_rate_flapping_around_the_warning_raises_once() -> None:
    # 1/4 (raise), 1/5, 1/6, 2/7, 2/8 = 0.25, 2/9, 2/10: never below 0.125, so one alert
    rows = [*accepted(0, 1, 2), *rejected(3), *accepted(4, 5), *rejected(6), *accepted(7, 8, 9)]

    output = run(REJECTS, *rows, until=9)

    assert events(output) == [(3, "medium", "raised")]
    assert column(output, "state")[3:] == ["warning"] * 7


def test_no_orders_no_subjects() -> None:
    output = evaluate(MARKET, NO_BALANCES, REJECTS, at(0), at(1))

    assert output.signals.is_empty()
