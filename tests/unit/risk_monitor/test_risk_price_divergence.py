"""price_divergence: a cross pair against its USD legs, a perpetual against its spot.

BTC/USD 128 and ETH/USD 64 imply BTC/ETH = 2; levels 1/16 and 1/8, so 2 × (1 + k/256) gives
exact gaps.
"""

import pytest

from risk_monitor import MonitorOutput, evaluate
from tests.unit.risk_monitor.frames import (
    NO_BALANCES,
    at,
    column,
    events,
    rule_limits,
    ticks,
)

LEVELS = {"warning": 1 / 16, "breach": 1 / 8, "clear_ratio": 0.5}
LEGS = [(0, "BTC/USD", 128.0, 0), (0, "ETH/USD", 64.0, 0)]


def run(crosses: list[float], **overrides: object) -> MonitorOutput:
    """BTC/ETH is `crosses[i]` at second i over fixed legs."""
    market = ticks(*LEGS, *((i, "BTC/ETH", price, i) for i, price in enumerate(crosses)))
    limits = rule_limits("price_divergence", **LEVELS, **overrides)
    return evaluate(market, NO_BALANCES, limits, at(0), at(len(crosses) - 1))


@pytest.mark.parametrize(
    ("cross", "gap", "state"),
    [
        (2 * (1 + 15 / 256), 15 / 256, "ok"),
        (2 * (1 + 16 / 256), 1 / 16, "warning"),
        (2 * (1 - 16 / 256), 1 / 16, "warning"),
        (2 * (1 + 17 / 256), 17 / 256, "warning"),
        (2 * (1 + 32 / 256), 1 / 8, "breach"),
        (2 * (1 - 33 / 256), 33 / 256, "breach"),
    ],
)
def test_level_edges(cross: float, gap: float, state: str) -> None:
    output = run([2.0, cross])

    assert column(output, "value") == [0.0, gap]
    assert column(output, "state") == ["ok", state]


def test_flapping_around_the_warning_raises_once() -> None:
    output = run([2.0, *[2.125, 2.1171875] * 4, 2.0])

    assert events(output) == [(1, "medium", "raised"), (9, "medium", "cleared")]


def test_a_perpetual_is_watched_for_its_basis_with_its_own_levels() -> None:
    market = ticks((0, "BTC/USD", 128.0, 0), (0, "BTC-PERP/USD", 136.0, 0))
    limits = rule_limits(
        "price_divergence", **LEVELS, per_pair={"BTC-PERP/USD": {"warning": 0.125, "breach": 0.25}}
    )

    output = evaluate(market, NO_BALANCES, limits, at(0), at(0))

    assert output.signals.select("subject", "value", "warning_level", "state").rows() == [
        ("BTC-PERP/USD", 1 / 16, 0.125, "ok")
    ]


def test_only_pairs_with_priced_legs_are_watched() -> None:
    # USD legs imply nothing; SOL has no USD price, so SOL/ETH cannot be checked
    market = ticks(
        *LEGS, (0, "SOL/ETH", 1.0, 0), (0, "USD/EUR", 0.5, 0), (0, "EUR/ETH", 0.03125, 0)
    )

    output = evaluate(market, NO_BALANCES, rule_limits("price_divergence", **LEVELS), at(0), at(0))

    # EUR is priced at 1 / 0.5 = 2 USD: EUR/ETH implied 2 / 64, published exactly so
    assert output.signals.select("subject", "value").rows() == [("EUR/ETH", 0.0)]


def test_no_data_until_the_pair_and_both_legs_are_visible() -> None:
    market = ticks((0, "BTC/USD", 128.0, 1), (0, "ETH/USD", 64.0, 2), (0, "BTC/ETH", 2.0, 0))

    output = evaluate(market, NO_BALANCES, rule_limits("price_divergence", **LEVELS), at(0), at(2))

    assert column(output, "value") == [None, None, 0.0]
