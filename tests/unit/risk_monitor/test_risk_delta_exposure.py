"""delta_exposure: net USD exposure to non-stable assets per account; level edges, hysteresis.

Levels 128 and 256 USD. desk_a holds 1 BTC (priced by BTC/USD) and 1,000 USDT (stable).
"""

import pytest

from risk_monitor import MonitorOutput, evaluate
from tests.unit.risk_monitor.frames import at, balances, column, events, rule_limits, ticks

LIMITS = rule_limits("delta_exposure", stable=["USDT"], warning=128, breach=256, clear_ratio=0.5)


def run(prices: list[float], *extra: tuple[float, str, str, float, float]) -> MonitorOutput:
    """BTC/USD is `prices[i]` at second i; USDT/USD is 0.5 (stable: its price never counts)."""
    market = ticks(
        (0, "USDT/USD", 0.5, 0), *((i, "BTC/USD", price, i) for i, price in enumerate(prices))
    )
    book = balances((0, "desk_a", "BTC", 1.0, 0), (0, "desk_a", "USDT", 1_000.0, 0), *extra)
    return evaluate(market, book, LIMITS, at(0), at(len(prices) - 1))


@pytest.mark.parametrize(
    ("price", "state", "alerts"),
    [
        (127.0, "ok", []),
        (128.0, "warning", [(1, "medium", "raised")]),
        (129.0, "warning", [(1, "medium", "raised")]),
        (256.0, "breach", [(1, "high", "raised"), (1, "medium", "raised")]),
        (257.0, "breach", [(1, "high", "raised"), (1, "medium", "raised")]),
    ],
)
def test_level_edges(price: float, state: str, alerts: list[tuple[int, str, str]]) -> None:
    output = run([1.0, price])

    assert column(output, "value") == [1.0, price]
    assert column(output, "state") == ["ok", state]
    assert events(output) == alerts


def test_flapping_around_the_breach_raises_once() -> None:
    output = run([1.0, *[256.0, 255.0] * 4, 100.0])

    assert events(output) == [
        (1, "high", "raised"),
        (1, "medium", "raised"),
        (9, "high", "cleared"),
    ]


def test_a_hedge_nets_out_and_a_short_book_is_exposure_too() -> None:
    market = ticks((0, "BTC/USD", 200.0, 0), (0, "ETH/USD", 100.0, 0))
    book = balances(
        (0, "desk_a", "BTC", 1.0, 0),
        (0, "desk_a", "ETH", -2.0, 0),  # hedged: 200 − 200
        (0, "desk_b", "ETH", -2.0, 0),  # short 200
        (0, "desk_b", "USD", 500.0, 0),
    )

    output = evaluate(market, book, LIMITS, at(0), at(0))

    assert output.signals.select("subject", "value", "state").rows() == [
        ("desk_a", 0.0, "ok"),
        ("desk_b", 200.0, "warning"),
    ]


def test_an_account_of_stable_assets_only_has_no_exposure() -> None:
    market = ticks((0, "USDT/USD", 0.5, 0))
    book = balances((0, "desk_a", "USDT", 1e9, 0), (0, "desk_a", "USD", 1e9, 0))

    output = evaluate(market, book, LIMITS, at(0), at(0))

    assert column(output, "value") == [0.0]


def test_no_data_while_a_moving_asset_is_unpriced() -> None:
    market = ticks((0, "BTC/USD", 100.0, 1))
    book = balances((0, "desk_a", "BTC", 1.0, 0))

    output = evaluate(market, book, LIMITS, at(0), at(1))

    assert column(output, "value") == [None, 100.0]
