"""The limits file: which rules run, at which levels, how often. Versioned YAML, validated whole.

The monitor does no file I/O: callers pass the file's text (`parse_limits`) or, for limits given
inline in a scenario, the mapping (`limits_from_mapping`). The shipped defaults live in
`risk_monitor/limits/default.yaml`, for the caller to read.
"""

from collections.abc import Hashable, Mapping
from datetime import timedelta
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from risk_monitor.config_types import ConfigModel, Duration
from risk_monitor.errors import LimitsError
from risk_monitor.levels import LevelLimits
from risk_monitor.mandates import MandateLimits, MandateScope, mandate_scope
from risk_monitor.rules import (
    ApiUnavailableLimits,
    ConcentrationLimits,
    DataStalenessLimits,
    DeltaExposureLimits,
    OrderRateLimits,
    PortfolioDrawdownLimits,
    PositionLimitLimits,
    PriceDivergenceLimits,
    RejectRateLimits,
    StablecoinDepegLimits,
    UnsettledExposureLimits,
)


class EvaluationLimits(ConfigModel):
    """How often the monitor evaluates: every `interval` from the run's start to its end."""

    interval: Duration = timedelta(seconds=1)


class RulesLimits(ConfigModel):
    """One optional section per rule, named as in `RULES`; a rule without one is not evaluated."""

    portfolio_drawdown: PortfolioDrawdownLimits | None = None
    stablecoin_depeg: StablecoinDepegLimits | None = None
    unsettled_exposure: UnsettledExposureLimits | None = None
    position_limit: PositionLimitLimits | None = None
    delta_exposure: DeltaExposureLimits | None = None
    concentration: ConcentrationLimits | None = None
    order_rate: OrderRateLimits | None = None
    reject_rate: RejectRateLimits | None = None
    data_staleness: DataStalenessLimits | None = None
    api_unavailable: ApiUnavailableLimits | None = None
    price_divergence: PriceDivergenceLimits | None = None

    def configured(self) -> tuple[tuple[str, LevelLimits], ...]:
        """(rule name, its limits) for every rule the file configures, in declaration order."""
        sections = ((name, getattr(self, name)) for name in type(self).model_fields)
        return tuple((name, limits) for name, limits in sections if limits is not None)


class Limits(ConfigModel):
    """A whole limits file. `version` is required so a future format is never misread as this."""

    version: Literal[1]
    evaluation: EvaluationLimits = Field(default_factory=EvaluationLimits)
    # None: one mandate, "firm", covering every account
    mandates: dict[str, MandateLimits] | None = None
    rules: RulesLimits = Field(default_factory=RulesLimits)

    @field_validator("mandates")
    @classmethod
    def _some_mandate(
        cls, mandates: dict[str, MandateLimits] | None
    ) -> dict[str, MandateLimits] | None:
        if mandates is not None and not mandates:
            raise ValueError("must name at least one mandate, or be left out for 'firm'")
        return mandates

    def mandate_scope(self) -> MandateScope:
        """Each mandate's accounts (None: every account), sorted by mandate name."""
        return mandate_scope(self.mandates)


# PyYAML composes recursively: deep nesting would end in a RecursionError inside it.
MAX_DEPTH = 64


class _UniqueKeyLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses duplicate keys, which YAML would resolve by silently keeping
    the last one: two `breach:` lines in a limits file must be an error, not a coin toss. It
    also refuses nesting deeper than MAX_DEPTH."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _mapping_without_duplicates(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> Any:
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be a scalar, got {type(key).__name__}", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def _options(annotation: Any) -> tuple[Any, ...]:
    """`X | None` → (X, None); anything else → (itself,)."""
    return get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model class in a field annotation such as `PortfolioDrawdownLimits | None`."""
    for candidate in _options(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _mapping_values(annotation: Any) -> Any:
    """The value annotation of `dict[str, X]` (or `dict[str, X] | None`), else None."""
    for candidate in _options(annotation):
        if get_origin(candidate) in (dict, Mapping):
            return get_args(candidate)[1]
    return None


def _model_at(path: tuple[int | str, ...]) -> type[BaseModel] | None:
    annotation: Any = Limits
    for part in path:
        model = _nested_model(annotation)
        if model is not None:
            field = model.model_fields.get(str(part))
            annotation = field.annotation if field else None
        else:  # under a mapping, the part is a key (an asset, a mandate): descend to its value
            annotation = _mapping_values(annotation)
    return _nested_model(annotation)


def _unknown_key(path: tuple[int | str, ...]) -> str:
    parent, key = path[:-1], path[-1]
    model = _model_at(parent)
    known = ", ".join(sorted(model.model_fields)) if model else "none"
    if parent == ("rules",):
        return f"unknown rule {key!r}; known: {known}"
    return f"unknown key {key!r}; known: {known}"


def _describe(error: ErrorDetails) -> str:
    kind, given = error["type"], error["input"]
    if kind == "extra_forbidden":
        return _unknown_key(error["loc"])
    if kind == "missing":
        return "required"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping, got {type(given).__name__}"
    if kind == "value_error" and "ctx" in error:
        # our own validators' words, without pydantic's "Value error, " prefix
        return str(error["ctx"]["error"])
    message = error["msg"]
    return f"{message[:1].lower()}{message[1:]}, got {given!r}"


def _problem(source: str, error: ErrorDetails) -> str:
    """One problem as "<source>: <path>: <problem>"; list items show as `assets[0]`."""
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    return f"{source}: {path}: {_describe(error)}" if path else f"{source}: {_describe(error)}"


def limits_from_mapping(data: Mapping[str, object], source: str) -> Limits:
    """Validate limits given as a mapping (e.g. inline in a scenario file).

    Raises LimitsError listing every problem, each as "<source>: <field path>: <problem>".
    """
    if not isinstance(data, Mapping):
        raise LimitsError(
            [f"{source}: expected a mapping at the top level, got {type(data).__name__}"]
        )
    try:
        return Limits.model_validate(data)
    except ValidationError as invalid:
        raise LimitsError([_problem(source, error) for error in invalid.errors()]) from None


def parse_limits(text: str, source: str) -> Limits:
    """Parse and validate a limits file's YAML text; `source` (e.g. its path) prefixes messages.

    Raises LimitsError listing every problem.
    """
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: builds plain data only
    except yaml.YAMLError as unreadable:
        raise LimitsError([f"{source}: not valid YAML: {unreadable}"]) from None
    return limits_from_mapping(data, source)
