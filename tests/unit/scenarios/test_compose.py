"""extends and matrix: scenarios built from scenarios, every mistake named by its field path."""

from collections.abc import Mapping

import pytest

from scenarios import ScenarioError, ValidScenario, load_scenario, load_scenarios
from scenarios.compose import BaseResolver, merge
from scenarios.injections import CrashParams

RULES = ("portfolio_drawdown", "stablecoin_depeg", "order_rate")
BASE = """
id: base
title: base
seed: 3
market:
  start: 2021-05-01T00:00:00Z
  duration: 2h
  pairs: [BTC/USD, ETH/USD, USDT/USD]
accounts:
  - {id: desk, venue: exchange, balances: {BTC: 1, USDT: 100}}
injections:
  - {id: crash, at: 30m, target: market_data, kind: crash, params: {drop: 0.1, over: 5m}}
expectations:
  - {id: dd, caused_by: crash, alert: portfolio_drawdown, severity: high, within: 5m}
must_not_fire: [stablecoin_depeg]
"""


def files(texts: Mapping[str, str]) -> BaseResolver:
    def resolve(name: str, child_source: str) -> tuple[str, str]:
        if name not in texts:
            raise KeyError(f"no scenario {name!r}")
        return texts[name], f"{name}.yaml"

    return resolve


def child(body: str) -> ValidScenario:
    return load_scenario(body, "child.yaml", RULES, files({"base": BASE}))


def child_errors(body: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        child(body)
    return caught.value.lines()


def test_extends_merges_mappings_by_key_and_lists_by_item_id() -> None:
    scenario = child(
        """
id: child
extends: base
market: {duration: 4h}
accounts:
  - {id: desk, balances: {ETH: 10}}
injections:
  - {id: crash, params: {drop: 0.2}}
  - {id: later, at: 2h, target: market_data, kind: crash, params: {drop: 0.05}}
"""
    )
    spec = scenario.spec
    assert (spec.id, spec.extends, spec.title) == ("child", "base", "base")
    assert spec.market.duration.total_seconds() == 4 * 3600
    assert spec.market.pairs == ["BTC/USD", "ETH/USD", "USDT/USD"]
    assert spec.accounts[0].balances == {"BTC": 1, "USDT": 100, "ETH": 10}
    crash, later = scenario.injections
    assert (crash.id, crash.params_as(CrashParams).drop) == ("crash", 0.2)
    assert crash.params.over.total_seconds() == 300
    assert later.id == "later"
    assert spec.must_not_fire == ["stablecoin_depeg"]


def test_a_child_list_without_ids_replaces_the_base_list() -> None:
    scenario = child("id: child\nextends: base\nmust_not_fire: [order_rate]\n")
    assert scenario.spec.must_not_fire == ["order_rate"]


def test_merged_document_is_validated_with_paths_of_the_result() -> None:
    body = "id: child\nextends: base\ninjections:\n  - {id: crash, params: {drop: 2}}\n"
    lines = child_errors(body)
    assert lines == ["child.yaml: injections[0].params.drop: Input should be less than 1"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("id: child\nextends: nowhere\n", "child.yaml: extends: no scenario 'nowhere'"),
        ("id: child\nextends: 7\n", "child.yaml: extends: expected a scenario id or file path"),
    ],
)
def test_extends_errors_name_the_field(body: str, message: str) -> None:
    assert child_errors(body) == [message]


def test_extends_cycles_are_refused() -> None:
    texts = {"a": "id: a\nextends: b\n", "b": "id: b\nextends: a\n"}
    with pytest.raises(ScenarioError) as caught:
        load_scenario(texts["a"], "a.yaml", RULES, files(texts))
    assert caught.value.lines() == ["b.yaml: extends: extends itself: a.yaml -> b.yaml -> a.yaml"]


def test_matrix_expands_into_named_variants_in_order() -> None:
    text = BASE.replace("id: base", "id: sweep") + (
        "matrix:\n  injections.crash.params.drop: [0.05, 0.25]\n  market.seed_never: [1]\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(text, "sweep.yaml", RULES)
    assert caught.value.lines() == [
        "sweep.yaml: market.seed_never: unknown key 'seed_never' (with matrix "
        "injections.crash.params.drop=0.05, market.seed_never=1)",
        "sweep.yaml: market.seed_never: unknown key 'seed_never' (with matrix "
        "injections.crash.params.drop=0.25, market.seed_never=1)",
    ]
    text = BASE.replace("id: base", "id: sweep") + (
        "matrix:\n  injections.crash.params.drop: [0.05, 0.25]\n  seed: [1, 2]\n"
    )
    variants = load_scenarios(text, "sweep.yaml", RULES)
    assert [v.id for v in variants] == [
        "sweep__drop_0_05__seed_1",
        "sweep__drop_0_05__seed_2",
        "sweep__drop_0_25__seed_1",
        "sweep__drop_0_25__seed_2",
    ]
    drops = [v.injection("crash").params_as(CrashParams).drop for v in variants]
    assert drops == [0.05, 0.05, 0.25, 0.25]
    assert variants[3].variant == (("injections.crash.params.drop", 0.25), ("seed", 2))
    assert variants[3].spec.matrix is None


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (
            "  injections.boom.params.drop: [0.1]",
            "'injections.boom' is not in the scenario (lists are addressed by item id)",
        ),
        ("  injections.crash.params.drop: []", "expected a non-empty list of values"),
        ("  injections.crash.params.drop: [0.1, 0.1]", "values repeat"),
        ("  id: [a, b]", "expected a field path such as injections.crash.params.drop"),
        ("  seed: [{a: 1}]", "values must be numbers, strings or booleans"),
    ],
)
def test_matrix_mistakes_name_the_axis(matrix: str, message: str) -> None:
    text = BASE + "matrix:\n" + matrix + "\n"
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(text, "base.yaml", RULES)
    path = matrix.strip().split(":")[0]
    assert caught.value.lines() == [f"base.yaml: matrix.{path}: {message}"]


def test_a_matrix_file_is_not_one_scenario() -> None:
    text = BASE + "matrix:\n  seed: [1, 2]\n"
    with pytest.raises(ScenarioError, match="expands into 2 scenarios"):
        load_scenario(text, "base.yaml", RULES)


def test_alias_bombs_are_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(12)
    )
    with pytest.raises(ScenarioError, match="aliases"):
        load_scenario(bomb, "bomb.yaml", RULES)


def test_merge_leaves_its_inputs_alone() -> None:
    base = {"a": {"b": 1}, "l": [{"id": "x", "v": 1}]}
    merged = merge(base, {"a": {"c": 2}, "l": [{"id": "x", "v": 2}]})
    assert merged == {"a": {"b": 1, "c": 2}, "l": [{"id": "x", "v": 2}]}
    assert base == {"a": {"b": 1}, "l": [{"id": "x", "v": 1}]}
