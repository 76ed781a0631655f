"""Scenario text in, a validated scenario out, or one error listing every problem with its path.

Pure: the caller reads the file and passes its text and name, so nothing here touches disk.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from scenarios.compose import BaseResolver, expand_matrix, resolve_extends
from scenarios.errors import Problem, ScenarioError, format_loc
from scenarios.injections import KINDS
from scenarios.model import (
    MARKET,
    Expectation,
    Scenario,
    TypedInjection,
    TypedStrategy,
)
from scenarios.strategy_checks import check_strategies
from scenarios.universe import ASSETS, PERPETUALS, QUOTE_CURRENCY, STABLECOINS, split_pair

MAX_BYTES = 1_000_000
# Anchors and aliases are YAML's own reuse; a few are handy, thousands are an alias bomb.
MAX_ALIASES = 100
# PyYAML composes recursively: thousands of nested brackets would end in a RecursionError deep
# inside it, so nesting is refused long before that (real scenarios nest about five levels).
MAX_DEPTH = 64


@dataclass(frozen=True)
class ValidScenario:
    spec: Scenario
    injections: tuple[TypedInjection, ...]
    source: str
    strategies: tuple[TypedStrategy, ...] = ()
    variant: tuple[tuple[str, Any], ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def start(self) -> datetime:
        return self.spec.market.start

    @property
    def end(self) -> datetime:
        return self.spec.market.end

    def injection(self, injection_id: str) -> TypedInjection:
        return next(i for i in self.injections if i.id == injection_id)


def load_scenario(
    text: str, source: str, known_rules: Iterable[str], resolve: BaseResolver | None = None
) -> ValidScenario:
    """Parse and validate one scenario file's text; `source` names it in every message.
    `resolve` finds the base of an `extends:`; a file with a `matrix:` is refused here."""
    scenarios = load_scenarios(text, source, known_rules, resolve)
    if len(scenarios) != 1:
        raise ScenarioError(
            source,
            [Problem("matrix", f"expands into {len(scenarios)} scenarios; load them all")],
        )
    return scenarios[0]


def load_scenarios(
    text: str, source: str, known_rules: Iterable[str], resolve: BaseResolver | None = None
) -> list[ValidScenario]:
    """Every scenario a file declares: itself, or one per combination of its matrix."""
    document = resolve_extends(_parse_yaml(text, source), source, _parse_yaml, resolve)
    rules = frozenset(known_rules)
    scenarios: list[ValidScenario] = []
    problems: list[Problem] = []
    for variant in expand_matrix(document, source):
        try:
            scenarios.append(_validate(variant.document, source, rules, variant.values))
        except ScenarioError as error:
            suffix = _matrix_suffix(variant.values)
            problems += [Problem(p.path, p.message + suffix) for p in error.problems]
    if problems:
        raise ScenarioError(source, list(dict.fromkeys(problems)))
    return scenarios


def _matrix_suffix(values: tuple[tuple[str, Any], ...]) -> str:
    if not values:
        return ""
    return " (with matrix " + ", ".join(f"{path}={value!r}" for path, value in values) + ")"


def _validate(
    raw: dict[str, Any],
    source: str,
    known_rules: frozenset[str],
    variant: tuple[tuple[str, Any], ...],
) -> ValidScenario:
    try:
        spec = Scenario.model_validate(raw, context={"known_rules": known_rules})
    except ValidationError as error:
        problems = [_problem(e) for e in error.errors()]
        raise ScenarioError(source, problems) from None
    injections: list[TypedInjection] = []
    problems = list(_check_injections(spec, injections))
    problems += list(_check_references(spec))
    strategies: list[TypedStrategy] = []
    problems += list(check_strategies(spec, injections, strategies, _problem))
    if problems:
        raise ScenarioError(source, problems)
    return ValidScenario(
        spec=spec,
        injections=tuple(injections),
        source=source,
        strategies=tuple(strategies),
        variant=variant,
    )


class _BoundedLoader(yaml.SafeLoader):
    """Safe YAML (no tags that build objects) that also refuses alias bombs and deep nesting."""

    aliases = 0
    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (an alias bomb?)")
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

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # YAML keeps the last of two equal keys: a second `injections:` would silently drop the
        # first. Merged keys (`<<: *base`) may be overridden; a key written twice may not.
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep)


def _parse_yaml(text: str, source: str) -> dict[str, Any]:
    if len(text.encode()) > MAX_BYTES:
        raise ScenarioError(source, [Problem("", f"file is larger than {MAX_BYTES} bytes")])
    try:
        raw = yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error) or "not valid YAML"
        raise ScenarioError(source, [Problem("", f"{where}{problem}")]) from None
    if not isinstance(raw, dict):
        raise ScenarioError(source, [Problem("", "expected a mapping of scenario fields")])
    return raw


def _problem(error: Any) -> Problem:
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        return Problem(format_loc(loc), f"unknown key {loc[-1]!r}")
    if error["type"] == "missing":
        return Problem(format_loc(loc), "required field is missing")
    if error["type"] == "string_pattern_mismatch":
        return Problem(
            format_loc(loc),
            f"expected lowercase letters, digits and underscores, got {error['input']!r}",
        )
    message = str(error["msg"]).removeprefix("Value error, ")
    return Problem(format_loc(loc), message)


def _check_injections(spec: Scenario, out: list[TypedInjection]) -> Iterator[Problem]:
    seen: set[str] = set()
    priced = _priced_assets(spec.market.pairs)
    for index, injection in enumerate(spec.injections):
        path = f"injections[{index}]"
        if injection.id in seen:
            yield Problem(f"{path}.id", f"duplicate injection id {injection.id!r}")
        if injection.id == MARKET:
            yield Problem(f"{path}.id", f"{MARKET!r} is reserved for caused_by: {MARKET}")
        seen.add(injection.id)
        kind = KINDS[injection.kind]
        if kind.target != injection.target:
            yield Problem(
                f"{path}.target",
                f"kind {injection.kind!r} applies to target {kind.target!r}, "
                f"not {injection.target!r}",
            )
        start = injection.start_ts(spec.market.start)
        if not spec.market.start <= start < spec.market.end:
            yield Problem(f"{path}.at", "must fall inside the market window [start, end)")
        try:
            params = kind.params.model_validate(injection.params)
        except ValidationError as error:
            for e in error.errors():
                problem = _problem(e)
                yield Problem(f"{path}.params.{problem.path}", problem.message)
            continue
        yield from _check_assets(params, priced, f"{path}.params")
        yield from _check_pairs(params, spec.market.pairs, f"{path}.params")
        out.append(
            TypedInjection(
                id=injection.id,
                target=injection.target,
                kind=injection.kind,
                start_ts=start,
                params=params,
            )
        )


def _check_assets(params: BaseModel, priced: set[str], path: str) -> Iterator[Problem]:
    perpetual = getattr(params, "perpetual", None)
    if perpetual is not None and perpetual not in PERPETUALS:
        yield Problem(f"{path}.perpetual", f"expected a perpetual ({', '.join(PERPETUALS)})")
    elif perpetual is not None and perpetual not in priced:
        yield Problem(f"{path}.perpetual", f"{perpetual!r} is not in market.pairs")
    assets = getattr(params, "assets", None)
    for index, asset in enumerate(assets or []):
        if asset not in priced:
            yield Problem(f"{path}.assets[{index}]", f"asset {asset!r} is not in market.pairs")
    asset = getattr(params, "asset", None)
    if asset is not None and asset not in STABLECOINS:
        yield Problem(f"{path}.asset", f"expected a stablecoin ({', '.join(STABLECOINS)})")
    elif asset is not None and asset not in priced:
        yield Problem(f"{path}.asset", f"asset {asset!r} is not in market.pairs")


def _check_pairs(params: BaseModel, published: list[str], path: str) -> Iterator[Problem]:
    pair = getattr(params, "pair", None)
    if isinstance(pair, str) and pair not in published:
        yield Problem(f"{path}.pair", f"pair {pair!r} is not in market.pairs")
    for index, named in enumerate(getattr(params, "pairs", None) or []):
        if named not in published:
            yield Problem(f"{path}.pairs[{index}]", f"pair {named!r} is not in market.pairs")


def _check_references(spec: Scenario) -> Iterator[Problem]:
    injection_ids = {i.id for i in spec.injections}
    seen: set[str] = set()
    for index, expectation in enumerate(spec.expectations):
        path = f"expectations[{index}]"
        if expectation.id in seen:
            yield Problem(f"{path}.id", f"duplicate expectation id {expectation.id!r}")
        seen.add(expectation.id)
        if expectation.caused_by == MARKET:
            yield from _check_market_condition(spec, expectation, path)
        elif expectation.caused_by not in injection_ids:
            yield Problem(
                f"{path}.caused_by",
                f"no injection with id {expectation.caused_by!r} (or {MARKET!r} for the market)",
            )
        elif expectation.condition is not None:
            yield Problem(f"{path}.condition", f"only for caused_by: {MARKET}")
    yield from _check_accounts(spec)
    yield from _check_orders(spec)


def _check_market_condition(
    spec: Scenario, expectation: Expectation, path: str
) -> Iterator[Problem]:
    condition = expectation.condition
    if condition is None:
        yield Problem(f"{path}.condition", f"required with caused_by: {MARKET}")
        return
    asset = condition.asset
    if condition.kind == "depeg" and asset not in STABLECOINS:
        yield Problem(
            f"{path}.condition.asset", f"expected a stablecoin ({', '.join(STABLECOINS)})"
        )
    elif asset is not None and asset not in _usd_valued_assets(spec.market.pairs):
        yield Problem(
            f"{path}.condition.asset",
            f"no {asset}/{QUOTE_CURRENCY} pair in market.pairs to price it",
        )
    elif condition.kind == "drawdown" and asset is None and not spec.accounts:
        yield Problem(
            f"{path}.condition.asset",
            "name an asset, or declare accounts: without one there is no desk value to fall",
        )


def _check_accounts(spec: Scenario) -> Iterator[Problem]:
    valued = _usd_valued_assets(spec.market.pairs)
    seen: set[str] = set()
    for index, account in enumerate(spec.accounts):
        if account.id in seen:
            yield Problem(f"accounts[{index}].id", f"duplicate account id {account.id!r}")
        seen.add(account.id)
        for asset in account.balances:
            path = f"accounts[{index}].balances.{asset}"
            if asset not in ASSETS:
                yield Problem(path, f"unknown asset; known: {', '.join(ASSETS)}")
            elif asset in PERPETUALS:
                yield Problem(path, "perpetual positions are not modelled yet; hold spot assets")
            elif asset not in valued:
                yield Problem(path, f"no {asset}/{QUOTE_CURRENCY} pair in market.pairs to value it")


def _check_orders(spec: Scenario) -> Iterator[Problem]:
    venues = {a.id: a.venue for a in spec.accounts}
    seen: set[str] = set()
    for index, order in enumerate(spec.orders):
        path = f"orders[{index}]"
        if order.id in seen:
            yield Problem(f"{path}.id", f"duplicate order id {order.id!r}")
        seen.add(order.id)
        if venues.get(order.account) != "exchange":
            yield Problem(f"{path}.account", f"no exchange account {order.account!r} in accounts")
        if order.pair not in spec.market.pairs:
            yield Problem(f"{path}.pair", f"pair {order.pair!r} is not in market.pairs")
        if (order.type == "limit") != (order.limit_price is not None):
            yield Problem(f"{path}.limit_price", "required for limit orders, and only for them")
        first = order.at if isinstance(order.at, datetime) else spec.market.start + order.at
        if not spec.market.start <= first < spec.market.end:
            yield Problem(f"{path}.at", "must fall inside the market window [start, end)")
        if order.until is not None and order.every is None:
            yield Problem(f"{path}.until", "only with every")
    yield from _check_settles(spec, venues)


def _check_settles(spec: Scenario, venues: Mapping[str, str]) -> Iterator[Problem]:
    for index, account in enumerate(spec.accounts):
        if account.settles is None:
            continue
        path = f"accounts[{index}].settles"
        if account.venue != "custodian":
            yield Problem(path, "only custodian accounts settle for an exchange account")
        elif venues.get(account.settles) != "exchange":
            yield Problem(path, f"no exchange account {account.settles!r} in accounts")


def _priced_assets(pairs: list[str]) -> set[str]:
    return {asset for pair in pairs for asset in split_pair(pair)}


def _usd_valued_assets(pairs: list[str]) -> set[str]:
    valued = {QUOTE_CURRENCY}
    for pair in pairs:
        base, quote = split_pair(pair)
        if quote == QUOTE_CURRENCY:
            valued.add(base)
        if base == QUOTE_CURRENCY:
            valued.add(quote)
    return valued
