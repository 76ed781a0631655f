"""The scenario file model (DESIGN.md's user-facing contract), as frozen pydantic models."""

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from scenarios.injections import KINDS, Duration, Profile, Target
from scenarios.strategy_kinds import STRATEGY_KINDS, StrategyParams
from scenarios.universe import split_pair

P = TypeVar("P", bound=Profile)
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=64)]
Severity = Literal["low", "medium", "high", "critical"]
SEVERITY_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be a positive duration")
    return value


def _pair(value: str) -> str:
    split_pair(value)
    return value


PositiveDuration = Annotated[Duration, AfterValidator(_positive)]
Pair = Annotated[str, AfterValidator(_pair)]


def _known_rule(value: str, info: ValidationInfo) -> str:
    """Rule names belong to the monitor under test; the caller passes them as `known_rules`."""
    known = (info.context or {}).get("known_rules")
    if known is not None and value not in known:
        raise ValueError(f"unknown rule {value!r}; known: {', '.join(sorted(known))}")
    return value


def _known_kind(value: str) -> str:
    if value not in KINDS:
        raise ValueError(f"unknown kind {value!r}; known: {', '.join(sorted(KINDS))}")
    return value


Rule = Annotated[str, AfterValidator(_known_rule)]


def _known_strategy_kind(value: str) -> str:
    if value not in STRATEGY_KINDS:
        known = ", ".join(sorted(STRATEGY_KINDS))
        raise ValueError(f"unknown strategy kind {value!r}; known: {known}")
    return value


def _utc(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("must carry a UTC offset, e.g. 2021-05-01T00:00:00Z")
        return value.astimezone(UTC)
    return value


class Strict(BaseModel):
    # NaN passes every `ge`/`le` bound unnoticed and inf balances poison every sum downstream
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


EARLIEST_START = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_START = datetime(2200, 1, 1, tzinfo=UTC)
SOURCE_FORMS = ("bundled", "cache", "coingecko", "ccxt:<exchange id>", "file:<exchange>")


def _market_source(value: str) -> str:
    """Where the candles come from; the pipeline resolves the name, the file only names it."""
    kind, _, name = value.partition(":")
    # a name, never a path: it keys a cache directory
    plain_name = re.fullmatch(r"[A-Za-z0-9][\w.-]*", name, re.ASCII) is not None
    if value in ("bundled", "cache", "coingecko") or (kind in ("ccxt", "file") and plain_name):
        return value
    raise ValueError(f"unknown market source {value!r}; expected one of {', '.join(SOURCE_FORMS)}")


class Cleaning(Strict):
    """The repairs a scenario accepts on real candles; anything else is an error at the door."""

    fill_gaps: Annotated[int, Field(ge=0, le=10_000)] = Field(
        default=0, description="forward-fill runs of at most this many missing bars"
    )
    clip_wicks: bool = Field(default=False, description="clip outlier wicks to the candle body")
    wick_limit: Annotated[float, Field(gt=0, le=10)] = Field(
        default=0.05, description="a wick this far beyond the body (a fraction) may be an outlier"
    )


class Market(Strict):
    source: Annotated[str, AfterValidator(_market_source)] = "bundled"
    cleaning: Cleaning = Cleaning()
    start: datetime
    duration: PositiveDuration
    resolution: PositiveDuration = timedelta(seconds=1)
    pairs: list[Pair] = Field(min_length=1)

    _utc_start = field_validator("start", mode="after")(_utc)

    @field_validator("start")
    @classmethod
    def _plausible_start(cls, value: datetime) -> datetime:
        # real market data, and every offset from it, must stay inside datetime's range
        if not EARLIEST_START <= value < LATEST_START:
            raise ValueError(
                f"must fall in [{EARLIEST_START:%Y-%m-%d}, {LATEST_START:%Y-%m-%d}), got {value}"
            )
        return value

    @field_validator("resolution")
    @classmethod
    def _divides_a_minute(cls, value: timedelta) -> timedelta:
        if value > timedelta(minutes=1) or timedelta(minutes=1) % value:
            raise ValueError("must divide one minute evenly (e.g. 100ms, 1s, 15s, 1m)")
        return value

    @property
    def end(self) -> datetime:
        return self.start + self.duration


class Account(Strict):
    id: Identifier
    venue: Literal["exchange", "custodian"]
    balances: dict[str, Annotated[float, Field(ge=0)]]
    settles: Identifier | None = Field(
        default=None,
        description="custodian accounts: the exchange account whose trading this one settles",
    )


class CustodianTerms(Strict):
    """How the custodian settles exchange trading: net per asset per cycle, due T+N cycles on."""

    cycle: Literal["T+0", "T+1", "T+2"] = "T+1"
    cutoff_every: PositiveDuration = timedelta(hours=24)


class ScriptedOrder(Strict):
    """An order the desk sends at `at` (and every `every` until `until`): venue testing needs
    order flow even before any strategy runs."""

    id: Identifier
    at: Duration | datetime
    every: PositiveDuration | None = None
    until: Duration | datetime | None = None
    account: Identifier
    pair: Pair
    side: Literal["buy", "sell"]
    qty: Annotated[float, Field(gt=0)]
    type: Literal["market", "limit"] = "market"
    time_in_force: Literal["gtc", "ioc", "post_only"] = "gtc"
    limit_price: Annotated[float, Field(gt=0)] | None = None

    _utc_times = field_validator("at", "until", mode="after")(_utc)


class ActiveWindow(Strict):
    """When a strategy runs: offsets from market.start or absolute UTC times; open ends mean the
    scenario's own start and end."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    from_: Duration | datetime | None = Field(default=None, alias="from")
    until: Duration | datetime | None = None

    _utc_times = field_validator("from_", "until", mode="after")(_utc)


class StrategySpec(Strict):
    """A strategy the desk runs: `kind` names registered behaviour, `params` its settings."""

    id: Identifier
    kind: Annotated[str, AfterValidator(_known_strategy_kind)]
    account: Identifier = Field(description="its own exchange sub-account, as an OMS would give")
    pairs: list[Pair] = Field(min_length=1)
    every: PositiveDuration = Field(default=timedelta(seconds=1), description="decision cadence")
    params: dict[str, Any] = Field(default_factory=dict)
    active: ActiveWindow | None = None


class TypedStrategy(BaseModel):
    """A strategy with its parameters validated for its kind and its running windows resolved
    (its `active` window, narrowed to the `strategy_on` injections naming it, if any)."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: str
    account: str
    pairs: tuple[str, ...]
    every: timedelta
    params: StrategyParams
    chaos: bool
    windows: tuple[tuple[datetime, datetime], ...]


class Injection(Strict):
    id: Identifier
    at: Duration | datetime
    target: Target
    kind: Annotated[str, AfterValidator(_known_kind)]
    params: dict[str, Any] = Field(default_factory=dict)

    _utc_at = field_validator("at", mode="after")(_utc)

    def start_ts(self, market_start: datetime) -> datetime:
        return self.at if isinstance(self.at, datetime) else market_start + self.at


MARKET = "market"  # `caused_by: market`: the real market itself is the fault, nothing injected


class MarketCondition(Strict):
    """What the real market must do for a `caused_by: market` expectation to become material.

    drawdown: with `asset`, that asset's USD price falls `material` below its highest price in
    the trailing `over`; without, an account's USD value does (the desk's own loss). depeg: the
    stablecoin `asset` is `material` away from 1 USD.
    """

    kind: Literal["drawdown", "depeg"]
    asset: str | None = None
    over: PositiveDuration = timedelta(hours=24)


MARKET_MATERIAL_DEFAULTS: dict[str, float] = {"drawdown": 0.05, "depeg": 0.01}


class Expectation(Strict):
    id: Identifier
    caused_by: Identifier = Field(
        description=f"the injection id whose effect must be detected, or {MARKET!r}"
    )
    condition: MarketCondition | None = Field(
        default=None, description="with caused_by: market, what the market must do"
    )
    alert: Rule
    severity: Severity
    within: PositiveDuration
    material: Annotated[float, Field(gt=0)] | None = Field(
        default=None,
        description="magnitude at which the injected condition counts as material "
        "(the SLA clock starts there); defaults per injection kind",
    )


MatrixValue = str | int | float | bool


class Scenario(Strict):
    id: Identifier
    extends: str | None = Field(
        default=None,
        description="a base scenario (library id or path relative to this file) merged under "
        "this one: mappings by key, lists of items with an id by id",
    )
    matrix: dict[str, Annotated[list[MatrixValue], Field(min_length=1)]] | None = Field(
        default=None,
        description="field paths (lists addressed by item id, e.g. injections.crash.params.drop) "
        "to the values to sweep: one scenario per combination",
    )
    title: str
    description: str = ""
    seed: Annotated[int, Field(ge=0)] = 0
    market: Market
    accounts: list[Account] = Field(default_factory=list)
    custodian: CustodianTerms = CustodianTerms()
    orders: list[ScriptedOrder] = Field(default_factory=list)
    strategies: list[StrategySpec] = Field(default_factory=list)
    limits: Identifier | dict[str, Any] = "default"
    injections: list[Injection] = Field(default_factory=list)
    expectations: list[Expectation] = Field(default_factory=list)
    must_not_fire: list[Rule] = Field(default_factory=list)


class TypedInjection(BaseModel):
    """An injection with its times resolved and its parameters validated for its kind."""

    model_config = ConfigDict(frozen=True)

    id: str
    target: Target
    kind: str
    start_ts: datetime
    params: Profile

    def params_as(self, expected: type[P]) -> P:
        """The parameters as the model their kind registered, for code that handles one kind."""
        if not isinstance(self.params, expected):
            raise TypeError(
                f"injection {self.id!r} of kind {self.kind!r} carries "
                f"{type(self.params).__name__}, expected {expected.__name__}"
            )
        return self.params

    def end_ts(self, scenario_end: datetime) -> datetime:
        lasting = self.params.duration()
        return scenario_end if lasting is None else min(scenario_end, self.start_ts + lasting)
