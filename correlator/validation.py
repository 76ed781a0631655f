"""Score one scenario run: each expectation against its SLA, each must_not_fire rule for silence.

Onsets come from audit truth (`correlator.onset`); the monitor's alerts are only ever the thing
being judged, never the evidence for when the condition began.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from correlator.detail import (
    Expected,
    FirstAlert,
    expectation_sentence,
    must_not_fire_sentence,
    name_injection,
)
from correlator.market_truth import describe_market_condition, market_material, market_onset
from correlator.onset import describe_condition, material_for
from correlator.onsets import onset_ts
from correlator.schemas import SCENARIO_RESULTS
from correlator.truth import Truth
from scenarios import SEVERITY_RANK, ValidScenario
from scenarios.model import MARKET, Expectation

MUST_NOT_FIRE_PREFIX = "must_not_fire:"


@dataclass(frozen=True)
class Cause:
    """What an expectation responds to: since when an alert can answer it, and its onset."""

    name: str
    condition: str
    since: datetime
    onset: datetime | None


def score_scenario(
    scenario: ValidScenario,
    reference_prices: pl.DataFrame,
    alerts: pl.DataFrame,
    account_truth: pl.DataFrame | None = None,
    settlements: pl.DataFrame | None = None,
    settlement_events: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """SCENARIO_RESULTS rows: expectations in file order, then must_not_fire rules in file order.

    `account_truth` (audit.account_balances) is needed only by `caused_by: market` drawdowns of
    a desk's value, `settlements` and `settlement_events` (the custodian's audit records) only by
    custodian backdoors.
    """
    raised = _raised(alerts)
    truth = Truth(reference_prices, account_truth, settlements, settlement_events)
    rows = [_score_expectation(scenario, e, truth, raised) for e in scenario.spec.expectations]
    rows += [_score_must_not_fire(scenario, rule, raised) for rule in scenario.spec.must_not_fire]
    return pl.DataFrame(rows, schema=SCENARIO_RESULTS, orient="row")


def status_of(detected: bool, latency: timedelta | None, sla: timedelta) -> str:
    """PASS at or inside the SLA (or detected when the condition never became material)."""
    if not detected:
        return "FAIL_MISSED"
    if latency is None or latency <= sla:
        return "PASS"
    return "FAIL_LATE"


def _raised(alerts: pl.DataFrame) -> pl.DataFrame:
    # A "cleared" event ends an alert; only raising one counts as detecting something.
    # Severities outside the known scale rank as null, so they never satisfy an expectation.
    rank = pl.col("severity").replace_strict(SEVERITY_RANK, default=None, return_dtype=pl.Int64)
    return (
        alerts.filter(pl.col("event") == "raised")
        .select("ts", "rule", "subject", "severity", rank.alias("rank"))
        .sort("ts", "rule", "subject", maintain_order=True)
    )


def _score_expectation(
    scenario: ValidScenario,
    expectation: Expectation,
    truth: Truth,
    raised: pl.DataFrame,
) -> dict[str, Any]:
    cause = _cause(scenario, expectation, truth)
    matching = raised.filter(
        pl.col("rule") == expectation.alert,
        pl.col("rank") >= SEVERITY_RANK[expectation.severity],
        # An alert raised before anything was injected cannot be a response to the injection.
        pl.col("ts") >= cause.since,
    )
    first = _first(matching)
    onset = cause.onset
    latency = first.ts - onset if first is not None and onset is not None else None
    wording = Expected(
        rule=expectation.alert,
        severity=expectation.severity,
        cause=cause.name,
        condition=cause.condition,
        sla=expectation.within,
    )
    return {
        "expectation_id": expectation.id,
        "rule": expectation.alert,
        "expected_severity": expectation.severity,
        "detected": first is not None,
        "onset_ts": onset,
        "first_alert_ts": first.ts if first is not None else None,
        "latency_s": _seconds(latency) if latency is not None else None,
        "sla_s": _seconds(expectation.within),
        "status": status_of(first is not None, latency, expectation.within),
        "detail": expectation_sentence(wording, onset, first),
    }


def _score_must_not_fire(
    scenario: ValidScenario, rule: str, raised: pl.DataFrame
) -> dict[str, Any]:
    fired = raised.filter(
        pl.col("rule") == rule,
        pl.col("ts") >= scenario.start,
        pl.col("ts") < scenario.end,
    )
    first = _first(fired)
    return {
        "expectation_id": f"{MUST_NOT_FIRE_PREFIX}{rule}",
        "rule": rule,
        "expected_severity": None,
        "detected": first is not None,
        "onset_ts": None,
        "first_alert_ts": first.ts if first is not None else None,
        "latency_s": None,
        "sla_s": None,
        "status": "PASS" if first is None else "FAIL_FALSE_POSITIVE",
        "detail": must_not_fire_sentence(rule, fired.height, first),
    }


def _cause(scenario: ValidScenario, expectation: Expectation, truth: Truth) -> Cause:
    condition = expectation.condition
    if expectation.caused_by == MARKET and condition is not None:
        material = market_material(expectation, condition)
        if condition.asset is None and truth.account_truth is None:
            raise ValueError(f"expectation {expectation.id!r}: a desk drawdown needs account truth")
        accounts = truth.account_truth if truth.account_truth is not None else pl.DataFrame()
        return Cause(
            name="market",
            condition=describe_market_condition(condition, material),
            since=scenario.start,
            onset=market_onset(condition, material, truth.reference_prices, accounts),
        )
    injection = scenario.injection(expectation.caused_by)
    material = material_for(expectation, injection)
    return Cause(
        name=name_injection(injection.id, injection.kind),
        condition=describe_condition(injection, material),
        since=injection.start_ts,
        onset=onset_ts(injection, truth, material),
    )


def _first(sorted_alerts: pl.DataFrame) -> FirstAlert | None:
    if sorted_alerts.is_empty():
        return None
    row = sorted_alerts.row(0, named=True)
    ts: datetime = row["ts"]
    return FirstAlert(ts=ts, subject=row["subject"], severity=row["severity"])


def _seconds(span: timedelta) -> float:
    # Whole microseconds first, so the float is the exact tick count scaled once.
    return (span // timedelta(microseconds=1)) / 1_000_000
