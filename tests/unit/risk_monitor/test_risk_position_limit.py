"""position_limit: level edges, per-asset and per-account overrides (the lower wins), hysteresis.

desk_a holds 1 BTC, so the position in USD is the BTC/USD price; levels 128 and 256 USD.
"""

import polars as pl
import pytest

from risk_monitor import MonitorOutput, evaluate
from risk_monitor.schemas import ACCOUNT_BALANCES
from tests.unit.risk_monitor.frames import at, balances, column, events, rule_limits, ticks

LEVELS = {"warning": 128, "breach": 256, "clear_ratio": 0.5}


def run(prices: list[float], held: float = 1.0, **overrides: object) -> MonitorOutput:
    """BTC/USD is `prices[i]` at second i; desk_a holds `held` BTC and 10 USD."""
    market = ticks(*((i, "BTC/USD", price, i) for i, price in enumerate(prices)))
    book = balances((0, "desk_a", "BTC", held, 0), (0, "desk_a", "USD", 10.0, 0))
    limits = rule_limits("position_limit", **LEVELS, **overrides)
    return evaluate(market, book, limits, at(0), at(len(prices) - 1))


@pytest.mark.parametrize(
    ("price", "state", "alerts"),
    [
        (127.0, "ok", []),
        (128.0, "warning", [(1, "medium", "raised")]),
        (129.0, "warning", [(1, "medium", "raised")]),
        (255.0, "warning", [(1, "medium", "raised")]),
        (256.0, "breach", [(1, "high", "raised"), (1, "medium", "raised")]),
        (257.0, "breach", [(1, "high", "raised"), (1, "medium", "raised")]),
    ],
)
def test_level_edges(price: float, state: str, alerts: list[tuple[int, str, str]]) -> None:
    output = run([1.0, price])

    assert column(output, "value") == [1.0, price]
    assert column(output, "state") == ["ok", state]
    assert events(output) == alerts


def test_usd_cash_is_no_position_and_subjects_name_account_and_asset() -> None:
    assert set(column(run([1.0]), "subject")) == {"desk_a:BTC"}


def test_a_short_position_counts_by_its_size() -> None:
    assert column(run([128.0], held=-1.0), "state") == ["warning"]


def test_flapping_around_the_warning_raises_once() -> None:
    output = run([1.0, *[128.0, 127.0] * 4, 63.0])

    assert events(output) == [(1, "medium", "raised"), (9, "medium", "cleared")]


def test_per_asset_override_replaces_the_rule_levels() -> None:
    output = run([1.0, 64.0], per_asset={"BTC": {"warning": 64, "breach": 512}})

    assert column(output, "warning_level") == [64.0, 64.0]
    assert column(output, "breach_level") == [512.0, 512.0]
    assert events(output) == [(1, "medium", "raised")]


def test_the_lower_of_asset_and_account_overrides_wins_level_by_level() -> None:
    output = run(
        [1.0, 96.0],
        per_asset={"BTC": {"warning": 64, "breach": 96}},
        per_account={
            "desk_a": {"warning": 32, "breach": 1024},
            "desk_b": {"warning": 1, "breach": 2},
        },
    )

    assert column(output, "warning_level") == [32.0, 32.0]
    assert column(output, "breach_level") == [96.0, 96.0]
    assert column(output, "state") == ["ok", "breach"]


def test_venues_of_one_account_add_up() -> None:
    market = ticks((0, "BTC/USD", 64.0, 0))
    book = pl.concat(
        [
            balances((0, "desk_a", "BTC", 1.0, 0), venue="exchange"),
            balances((0, "desk_a", "BTC", 1.0, 0), venue="custodian"),
        ]
    )

    output = evaluate(market, book, rule_limits("position_limit", **LEVELS), at(0), at(0))

    assert column(output, "value") == [128.0]


def test_no_data_until_the_balance_and_its_price_are_visible() -> None:
    market = ticks((0, "BTC/USD", 200.0, 2))
    book = balances((0, "desk_a", "BTC", 1.0, 1))

    output = evaluate(market, book, rule_limits("position_limit", **LEVELS), at(0), at(2))

    assert column(output, "value") == [None, None, 200.0]
    assert column(output, "state") == ["no_data", "no_data", "warning"]


def test_no_balances_no_subjects() -> None:
    output = evaluate(
        ticks((0, "BTC/USD", 1.0, 0)),
        ACCOUNT_BALANCES.to_frame(),
        rule_limits("position_limit", **LEVELS),
        at(0),
        at(1),
    )

    assert output.signals.is_empty()
