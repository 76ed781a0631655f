"""Registered strategy kinds and their parameters.

Scenario files name a kind (`kind: momentum`), never code: this module holds only the names and
the parameter models, so validation needs nothing from `simulators`; the behaviour of each kind
lives in `simulators.strategies`, which registers one class per name listed here (a test checks
the two registries agree).
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Positive = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(gt=0, lt=1)]


class StrategyParams(BaseModel):
    """Pre-trade limits an OMS applies to every strategy; chaos kinds may switch them off."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    max_position_usd: Positive = Field(
        default=2_000_000, description="largest USD value of one non-USD asset the OMS allows"
    )
    max_orders_per_minute: Annotated[int, Field(gt=0)] = Field(
        default=30, description="orders beyond this in any trailing minute are not sent"
    )


class TriangularArbitrageParams(StrategyParams):
    """Trades the BTC/USD, ETH/USD, BTC/ETH triangle when the cross strays from the implied."""

    threshold_bps: Positive = Field(default=5, description="mispricing that triggers a cycle")
    qty: Positive = Field(default=0.5, description="BTC per cycle")


class MomentumParams(StrategyParams):
    lookback: Annotated[int, Field(ge=2, le=10_000)] = Field(
        default=10, description="decisions back the trend is measured over"
    )
    threshold_bps: Positive = 10
    qty: Positive = Field(default=0.5, description="base units per order")


class MeanReversionParams(StrategyParams):
    lookback: Annotated[int, Field(ge=2, le=10_000)] = 30
    threshold_bps: Positive = Field(default=20, description="distance from the mean to fade")
    qty: Positive = 0.5


class RunawayParams(StrategyParams):
    """Order spam: a bug resubmitting orders in a loop, no rate limit."""

    orders_per_decision: Annotated[int, Field(gt=0, le=1_000)] = 20
    qty: Positive = 0.01


class RiskIgnorantParams(StrategyParams):
    """Keeps buying through every limit: its OMS limits are ignored."""

    qty: Positive = 1.0
    side: str = Field(default="buy", pattern="^(buy|sell)$")


class VolatilityAmplifierParams(StrategyParams):
    """Chases any move with size, so its own impact feeds the move it chases."""

    lookback: Annotated[int, Field(ge=2, le=10_000)] = 3
    threshold_bps: Positive = 1
    qty: Positive = 20.0


class CorrelationBreakerParams(StrategyParams):
    """Long one leg, short the other, whichever way they usually move together."""

    qty: Positive = Field(default=1.0, description="base units of the first pair per decision")


class SlowLeakParams(StrategyParams):
    """Crosses the spread both ways every decision: a small, persistent bleed of fees."""

    qty: Positive = 0.2


class StrategyKind(BaseModel):
    model_config = ConfigDict(frozen=True)

    params: type[StrategyParams]
    chaos: bool
    pairs: Annotated[int, Field(ge=1)] = Field(description="how many pairs the kind trades")


STRATEGY_KINDS: dict[str, StrategyKind] = {
    "triangular_arbitrage": StrategyKind(params=TriangularArbitrageParams, chaos=False, pairs=3),
    "momentum": StrategyKind(params=MomentumParams, chaos=False, pairs=1),
    "mean_reversion": StrategyKind(params=MeanReversionParams, chaos=False, pairs=1),
    "runaway": StrategyKind(params=RunawayParams, chaos=True, pairs=1),
    "risk_ignorant": StrategyKind(params=RiskIgnorantParams, chaos=True, pairs=1),
    "volatility_amplifier": StrategyKind(params=VolatilityAmplifierParams, chaos=True, pairs=1),
    "correlation_breaker": StrategyKind(params=CorrelationBreakerParams, chaos=True, pairs=2),
    "slow_leak": StrategyKind(params=SlowLeakParams, chaos=True, pairs=1),
}
