"""Strategies in a scenario file: kinds, params, accounts, pairs and their running windows."""

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from scenarios.errors import Problem
from scenarios.injections import StrategyOnParams
from scenarios.model import ActiveWindow, Scenario, TypedInjection, TypedStrategy
from scenarios.strategy_kinds import STRATEGY_KINDS


def check_strategies(
    spec: Scenario,
    injections: list[TypedInjection],
    out: list[TypedStrategy],
    problem_of: Callable[[Any], Problem],
) -> Iterator[Problem]:
    """Every problem of `spec.strategies`; the valid ones, typed, appended to `out`."""
    switches = [i for i in injections if isinstance(i.params, StrategyOnParams)]
    owners: dict[str, str] = {}
    for index, strategy in enumerate(spec.strategies):
        path = f"strategies[{index}]"
        kind = STRATEGY_KINDS[strategy.kind]
        before = len(out)
        yield from _check_references(spec, index, owners)
        if len(strategy.pairs) != kind.pairs:
            yield Problem(f"{path}.pairs", f"kind {strategy.kind!r} trades {kind.pairs} pair(s)")
        try:
            params = kind.params.model_validate(strategy.params)
        except ValidationError as error:
            for e in error.errors():
                problem = problem_of(e)
                yield Problem(f"{path}.params.{problem.path}", problem.message)
            continue
        windows = _strategy_windows(spec, strategy.id, strategy.active, switches)
        if len(out) == before:  # every problem is reported, only a clean strategy is kept
            out.append(
                TypedStrategy(
                    id=strategy.id,
                    kind=strategy.kind,
                    account=strategy.account,
                    pairs=tuple(strategy.pairs),
                    every=strategy.every,
                    params=params,
                    chaos=kind.chaos,
                    windows=windows,
                )
            )
    declared = {s.id for s in spec.strategies}
    for index, injection in enumerate(spec.injections):
        named = injection.params.get("strategy")
        # a non-string name is already reported by the kind's own parameter check
        if injection.kind == "strategy_on" and isinstance(named, str) and named not in declared:
            yield Problem(f"injections[{index}].params.strategy", f"no strategy {named!r}")


def _strategy_windows(
    spec: Scenario,
    strategy_id: str,
    active: ActiveWindow | None,
    switches: list[TypedInjection],
) -> tuple[tuple[datetime, datetime], ...]:
    start, end = spec.market.start, spec.market.end

    def moment(value: timedelta | datetime | None, default: datetime) -> datetime:
        if value is None:
            return default
        return value if isinstance(value, datetime) else start + value

    low = moment(active.from_ if active else None, start)
    high = moment(active.until if active else None, end)
    mine = [s for s in switches if s.params_as(StrategyOnParams).strategy == strategy_id]
    spans = [(s.start_ts, s.end_ts(end)) for s in mine] if mine else [(start, end)]
    clipped = sorted((max(a, low), min(b, high)) for a, b in spans)
    return tuple((a, b) for a, b in clipped if a < b)


def _check_references(spec: Scenario, index: int, owners: dict[str, str]) -> Iterator[Problem]:
    strategy, path = spec.strategies[index], f"strategies[{index}]"
    venues = {a.id: a.venue for a in spec.accounts}
    if strategy.id in {s.id for s in spec.strategies[:index]}:
        yield Problem(f"{path}.id", f"duplicate strategy id {strategy.id!r}")
    if venues.get(strategy.account) != "exchange":
        yield Problem(f"{path}.account", f"no exchange account {strategy.account!r} in accounts")
    elif strategy.account in owners:
        # P&L and positions are read off the account, so two strategies may not share one
        yield Problem(
            f"{path}.account",
            f"already traded by strategy {owners[strategy.account]!r}; give each its own",
        )
    owners.setdefault(strategy.account, strategy.id)
    for p, pair in enumerate(strategy.pairs):
        if pair not in spec.market.pairs:
            yield Problem(f"{path}.pairs[{p}]", f"pair {pair!r} is not in market.pairs")
