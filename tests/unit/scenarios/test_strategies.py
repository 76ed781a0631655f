"""Strategies in scenario files: kinds by name, params checked per kind, windows resolved."""

from datetime import UTC, datetime

import pytest

from scenarios import ScenarioError, load_scenario
from scenarios.strategy_kinds import MomentumParams

BASE = """
id: tiny
title: tiny
market:
  start: 2021-05-01T00:00:00Z
  duration: 2h
  pairs: [BTC/USD, ETH/USD]
accounts:
  - {id: desk, venue: exchange, balances: {USD: 1000000}}
  - {id: bot, venue: exchange, balances: {USD: 1000000}}
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(text, "bad.yaml", ())
    return caught.value.lines()


def test_a_strategy_is_typed_with_its_kinds_params_and_its_window() -> None:
    scenario = load_scenario(
        BASE
        + """
strategies:
  - {id: trend, kind: momentum, account: desk, pairs: [BTC/USD], every: 10s,
     params: {lookback: 5}, active: {from: 30m, until: 90m}}
""",
        "ok.yaml",
        (),
    )
    (trend,) = scenario.strategies
    assert isinstance(trend.params, MomentumParams)
    assert trend.params.lookback == 5
    start = datetime(2021, 5, 1, tzinfo=UTC)
    assert trend.windows == ((start.replace(minute=30), start.replace(hour=1, minute=30)),)


def test_strategy_on_injections_switch_a_strategy_on_and_off() -> None:
    scenario = load_scenario(
        BASE
        + """
strategies:
  - {id: spam, kind: runaway, account: bot, pairs: [ETH/USD]}
injections:
  - {id: switch, at: 1h, target: strategy, kind: strategy_on,
     params: {strategy: spam, recover_after: 10m}}
""",
        "ok.yaml",
        (),
    )
    (spam,) = scenario.strategies
    assert spam.chaos
    start = datetime(2021, 5, 1, 1, tzinfo=UTC)
    assert spam.windows == ((start, start.replace(minute=10)),)


def test_every_strategy_mistake_names_its_field_path() -> None:
    lines = errors_of(
        BASE
        + """
strategies:
  - {id: a, kind: momentum, account: desk, pairs: [BTC/USD], params: {qty: -1, lookbak: 3}}
  - {id: c, kind: mean_reversion, account: desk, pairs: [USDT/USD]}
  - {id: d, kind: triangular_arbitrage, account: nobody, pairs: [BTC/USD]}
injections:
  - {id: switch, at: 1h, target: strategy, kind: strategy_on, params: {strategy: ghost}}
"""
    )
    text = "\n".join(lines)
    assert "strategies[0].params.qty: Input should be greater than 0" in text
    assert "strategies[0].params.lookbak: unknown key 'lookbak'" in text
    assert "strategies[1].pairs[0]: pair 'USDT/USD' is not in market.pairs" in text
    assert "strategies[1].account: already traded by strategy 'a'" in text
    assert "strategies[2].account: no exchange account 'nobody'" in text
    assert "strategies[2].pairs: kind 'triangular_arbitrage' trades 3 pair(s)" in text
    assert "injections[0].params.strategy: no strategy 'ghost'" in text


def test_an_unknown_kind_lists_the_registered_ones() -> None:
    (line,) = errors_of(
        BASE + "strategies:\n  - {id: b, kind: telepathy, account: desk, pairs: [BTC/USD]}\n"
    )
    assert (
        "strategies[0].kind: unknown strategy kind 'telepathy'; known: correlation_breaker" in line
    )
