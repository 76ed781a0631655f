"""Strategy kinds by name: the behaviour behind each name `scenarios.strategy_kinds` validates."""

from simulators.strategies.base import Factory
from simulators.strategies.chaos import (
    CorrelationBreaker,
    RiskIgnorant,
    Runaway,
    SlowLeak,
    VolatilityAmplifier,
)
from simulators.strategies.normal import MeanReversion, Momentum, TriangularArbitrage

STRATEGIES: dict[str, Factory] = {
    "triangular_arbitrage": TriangularArbitrage,
    "momentum": Momentum,
    "mean_reversion": MeanReversion,
    "runaway": Runaway,
    "risk_ignorant": RiskIgnorant,
    "volatility_amplifier": VolatilityAmplifier,
    "correlation_breaker": CorrelationBreaker,
    "slow_leak": SlowLeak,
}

# These two are broken precisely by bypassing their OMS's pre-trade checks.
UNCHECKED = frozenset({"runaway", "risk_ignorant"})
