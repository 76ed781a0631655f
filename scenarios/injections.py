"""Registered injection kinds and their parameters.

Scenario files name a kind; they never name code.

Each kind's parameters describe a *profile* over time: the effect ramps in over `over` with a
`shape`, holds, and optionally recovers. `intensity(t)` in simulators follows this profile.
"""

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from scenarios.durations import parse_duration

Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Shape = Literal["step", "linear", "exponential"]
Target = Literal["market_data", "exchange", "custodian", "strategy"]


class Profile(BaseModel):
    """How an injected effect develops: ramp in over `over`, hold, then optionally recover."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    over: Duration = timedelta(0)
    shape: Shape = "linear"
    recover_after: Duration | None = Field(
        default=None, description="time from the injection start until recovery begins"
    )
    recover_over: Duration = timedelta(0)

    def duration(self) -> timedelta | None:
        """How long the effect lasts, or None when it holds to the end of the scenario."""
        if self.recover_after is None:
            return None
        return self.recover_after + self.recover_over


class CrashParams(Profile):
    """A coordinated drop of the USD price of risk assets (every non-stablecoin by default)."""

    drop: float = Field(gt=0, lt=1, description="fraction of the price lost, e.g. 0.15")
    over: Duration = timedelta(minutes=10)
    assets: list[str] | None = None


class DepegParams(Profile):
    """A stablecoin's USD price drifts from its peg to `to`."""

    asset: str = "USDT"
    to: float = Field(gt=0, lt=2, description="the USD price reached, e.g. 0.97")
    over: Duration = timedelta(hours=36)


class BasisParams(Profile):
    """A perpetual's price departs from its underlying's by `to` (0.03 = 3% above spot)."""

    perpetual: str = "BTC-PERP"
    to: float = Field(gt=-0.9, lt=10, description="the basis reached, as a fraction of spot")
    over: Duration = timedelta(minutes=30)


class VenueChaos(Profile):
    """A venue backdoor: active from `at`; lasts `recover_after` (to the end when omitted)."""


class FactorParams(VenueChaos):
    factor: float = Field(gt=1, le=10_000, description="multiplier, e.g. 20 for 20x latency")


class FractionParams(VenueChaos):
    fraction: float = Field(gt=0, le=1, description="share affected, 1 = all")


class DelayParams(VenueChaos):
    by: Duration = Field(description="how much later settlements due in the window happen")


class StrategyOnParams(VenueChaos):
    """Switches a declared strategy on from `at`, off after `recover_after` (or at the end)."""

    strategy: str = Field(pattern=r"^[a-z0-9_]+$", description="the id of a declared strategy")


class InjectionKind(BaseModel):
    model_config = ConfigDict(frozen=True)

    target: Target
    params: type[Profile]
    material_default: float
    material_meaning: str


KINDS: dict[str, InjectionKind] = {
    "crash": InjectionKind(
        target="market_data",
        params=CrashParams,
        material_default=0.05,
        material_meaning="injected price drop of an affected asset, as a fraction",
    ),
    "depeg": InjectionKind(
        target="market_data",
        params=DepegParams,
        material_default=0.01,
        material_meaning="distance of the stablecoin's USD price from 1.00",
    ),
}
KINDS["basis_blowout"] = InjectionKind(
    target="market_data",
    params=BasisParams,
    material_default=0.05,
    material_meaning="injected gap between the perpetual's price and its basis-free price",
)
ACTIVE = "the backdoor is open (material from its start)"
SETTLEMENT = "overdue unsettled value at the custodian, in USD"
KINDS.update(
    {
        "latency_spike": InjectionKind(
            target="exchange", params=FactorParams, material_default=0, material_meaning=ACTIVE
        ),
        "order_rejects": InjectionKind(
            target="exchange", params=FractionParams, material_default=0, material_meaning=ACTIVE
        ),
        "spread_widening": InjectionKind(
            target="exchange", params=FactorParams, material_default=0, material_meaning=ACTIVE
        ),
        "downtime": InjectionKind(
            target="exchange", params=VenueChaos, material_default=0, material_meaning=ACTIVE
        ),
        "settlement_delay": InjectionKind(
            target="custodian",
            params=DelayParams,
            material_default=1_000_000,
            material_meaning=SETTLEMENT,
        ),
        "settlement_rejects": InjectionKind(
            target="custodian",
            params=FractionParams,
            material_default=1_000_000,
            material_meaning=SETTLEMENT,
        ),
        "partial_settlement": InjectionKind(
            target="custodian",
            params=FractionParams,
            material_default=1_000_000,
            material_meaning=SETTLEMENT,
        ),
        "custodian_offline": InjectionKind(
            target="custodian",
            params=VenueChaos,
            material_default=1_000_000,
            material_meaning=SETTLEMENT,
        ),
    }
)
KINDS["strategy_on"] = InjectionKind(
    target="strategy",
    params=StrategyOnParams,
    material_default=0,
    material_meaning="the strategy is running (material from its start)",
)
