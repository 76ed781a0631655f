"""Each expectation's condition as a series over time, measured on audit truth.

The onset is the first time a condition series reaches its material magnitude; the same series is
what the causation chain correlates the monitor's signal with, and what the ground-truth labels
threshold. One definition, three uses, so the three can never disagree about what happened.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from correlator.kind_series import SERIES_OF_KIND
from correlator.market_truth import market_condition, market_material, market_pairs
from correlator.onset import (
    FLOAT_SLACK,
    basis_gap,
    basis_pair,
    crash_depth,
    crash_pairs,
    depeg_distance,
    depeg_pair,
)
from correlator.onset import material_for as injection_material
from correlator.onsets import ONSETS
from correlator.truth import Truth
from correlator.venue_onset import active_onset, overdue_value, overdue_value_onset
from scenarios import TypedInjection, ValidScenario
from scenarios.model import MARKET, Expectation

# An open backdoor has no magnitude: its series is 1 while open, 0 otherwise, material at 1.
OPEN = 1.0

SeriesFn = Callable[[TypedInjection, Truth], tuple[pl.DataFrame, tuple[str, ...]]]


@dataclass(frozen=True, eq=False)
class Condition:
    """What an expectation responds to, when it can respond, and how far it went over time."""

    expectation_id: str
    rule: str
    cause: str  # the injection id, or "market"
    kind: str  # the injection kind, or "market:<condition kind>"
    target: str  # where it shows: market_data | exchange | custodian | strategy | market
    since: datetime  # an alert before this cannot answer it
    until: datetime  # the injection's end (the scenario's for the market)
    material: float
    series: pl.DataFrame  # ts, value: comparable with `material`
    pairs: tuple[str, ...]  # reference pairs it is read from; () when not price-borne

    def present(self) -> pl.Expr:
        """Per row with a `ts` and the series' `value`: is the condition material here?"""
        ts = pl.col("ts")
        held = (pl.col("value") >= self.material - FLOAT_SLACK).fill_null(False)
        return held & (ts >= self.since) & (ts < self.until)


def conditions(scenario: ValidScenario, truth: Truth) -> list[Condition]:
    """One condition per expectation, in file order."""
    return [condition_of(scenario, e, truth) for e in scenario.spec.expectations]


def condition_of(scenario: ValidScenario, expectation: Expectation, truth: Truth) -> Condition:
    if expectation.caused_by == MARKET and expectation.condition is not None:
        condition = expectation.condition
        if condition.asset is None and truth.account_truth is None:
            raise ValueError(f"expectation {expectation.id!r}: a desk drawdown needs account truth")
        accounts = truth.account_truth if truth.account_truth is not None else pl.DataFrame()
        return Condition(
            expectation_id=expectation.id,
            rule=expectation.alert,
            cause=MARKET,
            kind=f"{MARKET}:{condition.kind}",
            target=MARKET,
            since=scenario.start,
            until=scenario.end,
            material=market_material(expectation, condition),
            series=market_condition(condition, truth.reference_prices, accounts),
            pairs=tuple(market_pairs(condition, truth.reference_prices)),
        )
    injection = scenario.injection(expectation.caused_by)
    series_fn = SERIES.get(injection.kind)
    if series_fn is None:
        raise ValueError(f"no condition series for injection kind {injection.kind!r}")
    series, pairs = series_fn(injection, truth)
    is_open = ONSETS[injection.kind] is active_onset
    until = injection.end_ts(scenario.end)
    return Condition(
        expectation_id=expectation.id,
        rule=expectation.alert,
        cause=injection.id,
        kind=injection.kind,
        target=injection.target,
        since=injection.start_ts,
        until=until,
        material=OPEN if is_open else injection_material(expectation, injection),
        series=_open_window(truth, injection.start_ts, until) if is_open else series,
        pairs=pairs,
    )


def _crash(injection: TypedInjection, truth: Truth) -> tuple[pl.DataFrame, tuple[str, ...]]:
    prices = truth.reference_prices
    return crash_depth(injection, prices), tuple(crash_pairs(injection, prices))


def _depeg(injection: TypedInjection, truth: Truth) -> tuple[pl.DataFrame, tuple[str, ...]]:
    prices = truth.reference_prices
    found = depeg_pair(injection, prices)  # reads every reference row: once
    return depeg_distance(injection, prices, found), (found[0],)


def _basis(injection: TypedInjection, truth: Truth) -> tuple[pl.DataFrame, tuple[str, ...]]:
    prices = truth.reference_prices
    return basis_gap(injection, prices), (basis_pair(injection, prices),)


def _overdue(injection: TypedInjection, truth: Truth) -> tuple[pl.DataFrame, tuple[str, ...]]:
    return overdue_value(truth, f"injection {injection.id!r}"), ()


def _no_series(injection: TypedInjection, truth: Truth) -> tuple[pl.DataFrame, tuple[str, ...]]:
    return pl.DataFrame(), ()  # replaced by the open window in condition_of


def _open_window(truth: Truth, start: datetime, end: datetime) -> pl.DataFrame:
    ts = pl.col("ts")
    grid = truth.reference_prices.select(ts.unique().sort())
    return grid.with_columns(value=((ts >= start) & (ts < end)).cast(pl.Float64))


SERIES: dict[str, SeriesFn] = {
    "crash": _crash,
    "depeg": _depeg,
    "basis_blowout": _basis,
    **SERIES_OF_KIND,
    **{kind: _overdue for kind, fn in ONSETS.items() if fn is overdue_value_onset},
    **{kind: _no_series for kind, fn in ONSETS.items() if fn is active_onset},
}
