"""Scenario files: the library validates, and every mistake names its file and field path."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from risk_monitor import RULE_NAMES
from scenarios import ScenarioError, injection_timeline, load_scenario, load_scenarios
from scenarios.compose import family_of

RULES = ("portfolio_drawdown", "stablecoin_depeg")
LIBRARY = Path(__file__).parents[3] / "scenarios" / "library"

VALID = """
id: tiny
title: tiny
seed: 3
market:
  start: 2021-05-01T00:00:00Z
  duration: 2h
  pairs: [BTC/USD, USDT/USD]
accounts:
  - {id: desk, venue: exchange, balances: {BTC: 1, USDT: 100}}
injections:
  - {id: crash, at: 30m, target: market_data, kind: crash, params: {drop: 0.1}}
expectations:
  - {id: dd, caused_by: crash, alert: portfolio_drawdown, severity: high, within: 5m}
must_not_fire: [stablecoin_depeg]
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(text, "bad.yaml", RULES)
    return caught.value.lines()


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_library_scenario_validates_and_is_named_by_its_id(path: Path) -> None:
    scenarios = load_scenarios(path.read_text(), str(path), RULE_NAMES, library_base)
    assert {family_of(s.id) for s in scenarios} == {path.stem}


def library_base(name: str, child_source: str) -> tuple[str, str]:
    path = LIBRARY / f"{name}.yaml"
    return path.read_text(), str(path)


def test_valid_scenario_resolves_times_and_defaults() -> None:
    scenario = load_scenario(VALID, "tiny.yaml", RULES)
    crash = scenario.injection("crash")
    assert crash.start_ts == datetime(2021, 5, 1, 0, 30, tzinfo=UTC)
    assert crash.params.over == timedelta(minutes=10)
    assert scenario.spec.market.resolution == timedelta(seconds=1)
    assert scenario.end == datetime(2021, 5, 1, 2, tzinfo=UTC)


def test_unknown_key_negative_duration_and_unknown_rule_reported_together() -> None:
    text = VALID.replace("seed: 3", "seed: 3\ncolour: red").replace("2h", "-5m")
    text = text.replace("alert: portfolio_drawdown", "alert: vibes")
    assert errors_of(text) == [
        "bad.yaml: market.duration: must not be negative: expected a duration like 500ms, 30s, "
        "15m, 6h or 2d, got '-5m'",
        "bad.yaml: expectations[0].alert: unknown rule 'vibes'; known: portfolio_drawdown, "
        "stablecoin_depeg",
        "bad.yaml: colour: unknown key 'colour'",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("drop: 0.1", "drop: 1.5"), "injections[0].params.drop: Input should be less than 1"),
        (("drop: 0.1", "drop: 0.1, speed: 2"), "injections[0].params.speed: unknown key 'speed'"),
        (("kind: crash", "kind: meltdown"), "injections[0].kind: unknown kind 'meltdown'"),
        (("caused_by: crash", "caused_by: nope"), "expectations[0].caused_by: no injection"),
        (("at: 30m", "at: 3h"), "injections[0].at: must fall inside the market window"),
        (("id: tiny", "id: Tiny-1"), "id: expected lowercase letters, digits and underscores"),
        (("BTC/USD, USDT", "BTC/EUR, USDT"), "market.pairs[0]: unknown asset 'EUR'"),
        (("BTC: 1,", "ETH: 1,"), "accounts[0].balances.ETH: no ETH/USD pair in market.pairs"),
        (("target: market_data", "target: custodian"), "injections[0].target: kind 'crash'"),
        (("2021-05-01T00:00:00Z", "2021-05-01T00:00:00"), "market.start: must carry a UTC"),
        (("duration: 2h", "duration: 2 hours"), "market.duration: expected a duration"),
        (("must_not_fire: [stablecoin_depeg]", "must_not_fire: [x]"), "must_not_fire[0]: unknown"),
        (("title: tiny\n", ""), "title: required field is missing"),
    ],
)
def test_each_mistake_names_its_field(change: tuple[str, str], expected: str) -> None:
    problems = errors_of(VALID.replace(*change))
    assert any(p.startswith(f"bad.yaml: {expected}") for p in problems), problems


@pytest.mark.parametrize(
    "text", ["", "- a list", "id: [unclosed", "!!python/object/apply:os.system ['true']"]
)
def test_not_a_scenario_document(text: str) -> None:
    (problem,) = errors_of(text)
    assert problem.startswith("bad.yaml: ")


def test_timeline_lists_injections_with_readable_params() -> None:
    timeline = injection_timeline(load_scenario(VALID, "tiny.yaml", RULES))
    row = timeline.row(0, named=True)
    assert row["injection_id"] == "crash"
    assert row["end_ts"] == datetime(2021, 5, 1, 2, tzinfo=UTC)
    assert '"over": "10m"' in row["params"]


MARKET_CAUSED = "\n".join(line for line in VALID.splitlines() if "injections" not in line
                          and "kind: crash" not in line)  # fmt: skip


def test_a_market_expectation_needs_a_condition_it_can_measure() -> None:
    text = MARKET_CAUSED.replace("caused_by: crash,", "caused_by: market,")
    assert errors_of(text) == [
        "bad.yaml: expectations[0].condition: required with caused_by: market"
    ]
    unpriced = text.replace(
        "caused_by: market,", "caused_by: market, condition: {kind: drawdown, asset: ETH},"
    )
    assert errors_of(unpriced) == [
        "bad.yaml: expectations[0].condition.asset: no ETH/USD pair in market.pairs to price it"
    ]
    not_stable = text.replace(
        "caused_by: market,", "caused_by: market, condition: {kind: depeg, asset: BTC},"
    )
    assert errors_of(not_stable) == [
        "bad.yaml: expectations[0].condition.asset: expected a stablecoin (USDT)"
    ]
    ok = text.replace("caused_by: market,", "caused_by: market, condition: {kind: drawdown},")
    assert load_scenario(ok, "ok.yaml", RULES).spec.expectations[0].condition is not None


def test_a_condition_belongs_only_to_market_expectations_and_market_is_reserved() -> None:
    text = VALID.replace("caused_by: crash,", "caused_by: crash, condition: {kind: drawdown},")
    assert errors_of(text) == ["bad.yaml: expectations[0].condition: only for caused_by: market"]
    reserved = VALID.replace("{id: crash,", "{id: market,").replace(
        "caused_by: crash", "caused_by: market"
    )
    assert "bad.yaml: injections[0].id: 'market' is reserved for caused_by: market" in errors_of(
        reserved
    )


def test_an_unknown_market_source_lists_the_forms() -> None:
    text = VALID.replace("market:\n", "market:\n  source: kraken\n")
    assert errors_of(text) == [
        "bad.yaml: market.source: unknown market source 'kraken'; expected one of bundled, "
        "cache, coingecko, ccxt:<exchange id>, file:<exchange>"
    ]


def test_a_basis_blowout_names_a_priced_perpetual_and_perpetuals_are_not_balances() -> None:
    text = VALID.replace("pairs: [BTC/USD, USDT/USD]", "pairs: [BTC/USD, USDT/USD, BTC-PERP/USD]")
    text = text.replace(
        "kind: crash, params: {drop: 0.1}",
        "kind: basis_blowout, params: {perpetual: ETH-PERP, to: 0.1}",
    ).replace("{BTC: 1, USDT: 100}", "{BTC: 1, USDT: 100, BTC-PERP: 2}")
    assert errors_of(text) == [
        "bad.yaml: injections[0].params.perpetual: 'ETH-PERP' is not in market.pairs",
        "bad.yaml: accounts[0].balances.BTC-PERP: perpetual positions are not modelled yet; "
        "hold spot assets",
    ]


def test_feed_and_divergence_pairs_must_be_published() -> None:
    text = VALID.replace(
        "injections:\n",
        "injections:\n"
        "  - {id: stall, at: 10m, target: market_data, kind: stale_feed, "
        "params: {pairs: [ETH/USD], recover_after: 5m}}\n"
        "  - {id: rich, at: 10m, target: market_data, kind: divergence, "
        "params: {pair: BTC/ETH, to: 0.04}}\n",
    )
    assert errors_of(text) == [
        "bad.yaml: injections[0].params.pairs[0]: pair 'ETH/USD' is not in market.pairs",
        "bad.yaml: injections[1].params.pair: pair 'BTC/ETH' is not in market.pairs",
    ]
