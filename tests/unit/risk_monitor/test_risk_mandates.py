"""Compliance per mandate: a rule's subject counts for the mandates covering its account; a
subject that is no account's (an asset, a pair, a feed) counts for every mandate."""

import pytest

from risk_monitor import LimitsError, MonitorOutput, evaluate, limits_from_mapping
from tests.unit.risk_monitor.frames import at, balances, ticks

RULES = {
    "portfolio_drawdown": {"lookback": "1h", "warning": 0.25, "breach": 0.5},
    "stablecoin_depeg": {"assets": ["USDT"], "warning": 0.25, "breach": 0.5, "min_exposure_usd": 0},
}
# desk_a holds BTC (−50% at 2 s); desk_b holds USDT (0.5 at 4 s: a depeg, and desk_b's drawdown)
MARKET = ticks(
    (0, "BTC/USD", 128.0, 0),
    (2, "BTC/USD", 64.0, 2),
    (0, "USDT/USD", 1.0, 0),
    (4, "USDT/USD", 0.5, 4),
)
BOOK = balances((0, "desk_a", "BTC", 1.0, 0), (0, "desk_b", "USDT", 100.0, 0))


def run(mandates: dict[str, object] | None) -> MonitorOutput:
    limits = {"version": 1, "rules": RULES} | ({} if mandates is None else {"mandates": mandates})
    return evaluate(MARKET, BOOK, limits_from_mapping(limits, "test"), at(0), at(5))


def test_without_mandates_one_firm_mandate_covers_every_account() -> None:
    assert run(None).compliance_status.rows() == [
        (at(0), "firm", "compliant", ""),
        (at(2), "firm", "breach", "portfolio_drawdown:desk_a"),
        (
            at(4),
            "firm",
            "breach",
            "portfolio_drawdown:desk_a,portfolio_drawdown:desk_b,stablecoin_depeg:USDT",
        ),
    ]


def test_each_mandate_sees_its_accounts_and_every_non_account_subject() -> None:
    status = run({"alpha": {"accounts": ["desk_a"]}, "beta": {"accounts": ["desk_b", "desk_c"]}})

    assert status.compliance_status.rows() == [
        (at(0), "alpha", "compliant", ""),
        (at(0), "beta", "compliant", ""),
        (at(2), "alpha", "breach", "portfolio_drawdown:desk_a"),
        (at(4), "alpha", "breach", "portfolio_drawdown:desk_a,stablecoin_depeg:USDT"),
        (at(4), "beta", "breach", "portfolio_drawdown:desk_b,stablecoin_depeg:USDT"),
    ]


def test_an_account_may_belong_to_several_mandates() -> None:
    status = run({"alpha": {"accounts": ["desk_a"]}, "firm": {"accounts": ["desk_a", "desk_b"]}})

    at_two = status.compliance_status.filter(ts=at(2))
    assert at_two.select("mandate", "status").rows() == [("alpha", "breach"), ("firm", "breach")]


@pytest.mark.parametrize(
    ("mandates", "problem"),
    [
        ({}, "test: mandates: must name at least one mandate, or be left out for 'firm'"),
        ({"a": {"accounts": []}}, "test: mandates.a.accounts: tuple should have at least 1 item"),
        (
            {"a": {"accounts": ["x", "y", "x"]}},
            "test: mandates.a.accounts: account 'x' is listed more than once",
        ),
        (
            {"a": {"acounts": ["x"]}},
            "test: mandates.a.acounts: unknown key 'acounts'; known: accounts",
        ),
        ({"a": ["x"]}, "test: mandates.a: expected a mapping, got list"),
    ],
)
def test_bad_mandates_are_named(mandates: dict[str, object], problem: str) -> None:
    with pytest.raises(LimitsError) as raised:
        limits_from_mapping({"version": 1, "mandates": mandates}, "test")

    assert any(found.startswith(problem) for found in raised.value.problems), raised.value.problems
