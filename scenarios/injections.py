"""Registered injection kinds and their parameters.

Scenario files name a kind; they never name code.

Each kind's parameters describe a *profile* over time: the effect ramps in over `over` with a
`shape`, holds, and optionally recovers. `intensity(t)` in simulators follows this profile.
"""

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from scenarios.durations import parse_duration
from scenarios.universe import QUOTE_CURRENCY, split_pair

Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Shape = Literal["step", "linear", "exponential"]
Target = Literal["market_data", "exchange", "custodian", "strategy"]


class Profile(BaseModel):
    """How an injected effect develops: ramp in over `over`, hold, then optionally recover."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

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


class PriceShockParams(Profile):
    """Named assets' USD prices jump by a signed `move` (-0.3 falls 30%, +0.2 rises 20%).

    Unlike a crash it names its assets (no default universe) and may go either way; it is a step
    by default, and usually recovers (`recover_after`). A recovery has the jump's shape, so one
    spread over `recover_over` takes `shape: linear` (with `over: 0s` the jump stays instant).
    """

    assets: list[str] = Field(min_length=1, description="the assets shocked, e.g. [BTC]")
    move: float = Field(gt=-1, lt=10, description="signed fraction, e.g. -0.3 or 0.2")
    shape: Shape = "step"

    @field_validator("move")
    @classmethod
    def _moves(cls, move: float) -> float:
        if move == 0:
            raise ValueError("a shock of 0 moves nothing; give a signed fraction such as -0.3")
        return move

    @model_validator(mode="after")
    def _recovery_has_a_shape(self) -> "PriceShockParams":
        if self.shape == "step" and self.recover_over > timedelta(0):
            raise ValueError(
                "recover_over: a step recovers at once; use shape: linear (over: 0s keeps the "
                "jump instant) to recover over recover_over"
            )
        return self


def _cross_pair(pair: str) -> str:
    base, quote = split_pair(pair)
    if QUOTE_CURRENCY in (base, quote):
        raise ValueError(
            f"{pair} is a USD leg, its own implied price; name a cross pair such as BTC/ETH"
        )
    return pair


class DivergenceParams(Profile):
    """One published cross pair trades `to` away from the price its USD legs imply (0.04: BTC/ETH
    4% rich against BTC/USD ÷ ETH/USD); the USD legs themselves are untouched."""

    pair: Annotated[str, AfterValidator(_cross_pair)] = Field(description="e.g. BTC/ETH")
    to: float = Field(gt=-0.9, lt=10, description="the gap reached, as a fraction of implied")
    over: Duration = timedelta(minutes=5)


def _known_pair(pair: str) -> str:
    split_pair(pair)
    return pair


class VenueChaos(Profile):
    """A venue backdoor: active from `at`; lasts `recover_after` (to the end when omitted)."""


class FactorParams(VenueChaos):
    factor: float = Field(
        gt=1, le=10_000, description="multiplier of the normal value: 20 makes it 20x"
    )


class FractionParams(VenueChaos):
    fraction: float = Field(gt=0, le=1, description="share affected, 1 = all")


class DelayParams(VenueChaos):
    by: Duration = Field(description="how much later settlements due in the window happen")


class StrategyOnParams(VenueChaos):
    """Switches a declared strategy on from `at`, off after `recover_after` (or at the end)."""

    strategy: str = Field(pattern=r"^[a-z0-9_]+$", description="the id of a declared strategy")


class FeedChaos(VenueChaos):
    """The production market-data feed of `pairs` (every pair when omitted) fails from `at` for
    `recover_after` (to the end when omitted); the true prices carry on in audit."""

    pairs: list[Annotated[str, AfterValidator(_known_pair)]] | None = Field(
        default=None, min_length=1, description="the published pairs affected, e.g. [BTC/USD]"
    )


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
KINDS["price_shock"] = InjectionKind(
    target="market_data",
    params=PriceShockParams,
    material_default=0.05,
    material_meaning="injected move of a shocked asset's USD price, either way, as a fraction",
)
KINDS["divergence"] = InjectionKind(
    target="market_data",
    params=DivergenceParams,
    material_default=0.02,
    material_meaning="gap between the pair's price and the price its USD legs imply",
)
# A feed outage has no size but its length: material from the first tick the feed withholds.
WITHHELD = "seconds the feed has withheld the pairs' ticks"
KINDS["stale_feed"] = InjectionKind(
    target="market_data", params=FeedChaos, material_default=0, material_meaning=WITHHELD
)
KINDS["gap"] = InjectionKind(
    target="market_data", params=FeedChaos, material_default=0, material_meaning=WITHHELD
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
