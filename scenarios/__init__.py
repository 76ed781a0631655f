"""The test coordinator: scenario files, their validation, and the injection timeline."""

from scenarios.errors import Problem, ScenarioError
from scenarios.loader import ValidScenario, load_scenario, load_scenarios
from scenarios.model import SEVERITY_RANK, Scenario, TypedInjection
from scenarios.timeline import INJECTIONS, injection_timeline

__all__ = [
    "INJECTIONS",
    "SEVERITY_RANK",
    "Problem",
    "Scenario",
    "ScenarioError",
    "TypedInjection",
    "ValidScenario",
    "injection_timeline",
    "load_scenario",
    "load_scenarios",
]
