"""concentration: the largest non-USD asset's share of an account's gross value; level edges,
the min_gross_usd gate and hysteresis.

desk_a holds 128 USD and 1 BTC at price p: the share is p / (p + 128). Levels 0.5 and 0.75.
"""

import pytest

from risk_monitor import MonitorOutput, evaluate
from tests.unit.risk_monitor.frames import at, balances, column, events, rule_limits, ticks


def run(prices: list[float], min_gross_usd: float = 0.0, usd: float = 128.0) -> MonitorOutput:
    market = ticks(*((i, "BTC/USD", price, i) for i, price in enumerate(prices)))
    book = balances((0, "desk_a", "BTC", 1.0, 0), (0, "desk_a", "USD", usd, 0))
    limits = rule_limits(
        "concentration", warning=0.5, breach=0.75, clear_ratio=0.5, min_gross_usd=min_gross_usd
    )
    return evaluate(market, book, limits, at(0), at(len(prices) - 1))


@pytest.mark.parametrize(
    ("price", "share", "state"),
    [
        (127.0, 127 / 255, "ok"),
        (128.0, 0.5, "warning"),
        (129.0, 129 / 257, "warning"),
        (383.0, 383 / 511, "warning"),
        (384.0, 0.75, "breach"),
        (385.0, 385 / 513, "breach"),
    ],
)
def test_level_edges(price: float, share: float, state: str) -> None:
    output = run([1.0, price])

    assert column(output, "value") == [1 / 129, share]
    assert column(output, "state") == ["ok", state]


def test_flapping_around_the_warning_raises_once() -> None:
    # 128 USD cash, BTC alternately at 128 (share 0.5) and 127; 32 → 0.2 < 0.25 clears
    output = run([1.0, *[128.0, 127.0] * 4, 32.0])

    assert events(output) == [(1, "medium", "raised"), (9, "medium", "cleared")]


def test_below_min_gross_value_never_raises() -> None:
    output = run([1.0, 1024.0], min_gross_usd=2048)

    assert column(output, "value") == [1 / 129, 1024 / 1152]
    assert events(output) == []


def test_usd_cash_dilutes_but_is_never_the_concentrated_asset() -> None:
    only_cash = evaluate(
        ticks((0, "BTC/USD", 1.0, 0)),
        balances((0, "desk_a", "USD", 1_000.0, 0)),
        rule_limits("concentration", warning=0.5, breach=0.75),
        at(0),
        at(0),
    )

    assert column(only_cash, "value") == [0.0]


def test_an_empty_account_has_no_share() -> None:
    output = run([1.0], usd=0.0)  # BTC at 1 is the whole account: share 1

    assert column(output, "value") == [1.0]
    empty = evaluate(
        ticks((0, "BTC/USD", 1.0, 0)),
        balances((0, "desk_a", "BTC", 0.0, 0)),
        rule_limits("concentration", warning=0.5, breach=0.75),
        at(0),
        at(0),
    )
    assert column(empty, "value") == [None]
