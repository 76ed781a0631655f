"""An expectation's condition in words, the same words the scorecard's sentences use."""

from correlator.market_truth import describe_market_condition, market_material
from correlator.onset import describe_condition, material_for
from scenarios import ValidScenario
from scenarios.model import MARKET, Expectation


def condition_words(scenario: ValidScenario, expectation: Expectation) -> str:
    condition = expectation.condition
    if expectation.caused_by == MARKET and condition is not None:
        return describe_market_condition(condition, market_material(expectation, condition))
    injection = scenario.injection(expectation.caused_by)
    return describe_condition(injection, material_for(expectation, injection))
