"""Trading strategies co-simulated with the exchange: a kind per name, each deciding on its
cadence from the prod-visible market and its own account, its OMS checking every order."""

from simulators.strategies.base import OrderIntent, Strategy, View
from simulators.strategies.cosim import REPORT_EVERY, StrategyRun, simulate_with_strategies
from simulators.strategies.registry import STRATEGIES

__all__ = [
    "REPORT_EVERY",
    "STRATEGIES",
    "OrderIntent",
    "Strategy",
    "StrategyRun",
    "View",
    "simulate_with_strategies",
]
