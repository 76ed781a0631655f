"""Every kind a scenario file may name has behaviour, and nothing else does."""

from scenarios.strategy_kinds import STRATEGY_KINDS
from simulators.strategies import STRATEGIES


def test_the_scenario_registry_and_the_behaviour_registry_agree() -> None:
    assert set(STRATEGIES) == set(STRATEGY_KINDS)
