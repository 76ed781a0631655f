"""audit.timeline on the hand-made crash: order, the chain walk, and the known verdicts."""

from datetime import timedelta
from typing import Any

import polars as pl
import pytest

from correlator.schemas import TIMELINE
from correlator.timeline import build_timeline
from tests.unit.correlator.world import (
    CRASH,
    CRASH_DEPTH,
    CRASH_ONSET,
    alert,
    alerts,
    at,
    drawdown_following,
    reference,
    results,
    scenario,
    signals,
)

SLA = timedelta(minutes=5)
BODY = """
injections:
  - {id: crash, at: 10m, target: market_data, kind: crash, params: {drop: 0.1, over: 10m}}
expectations:
  - {id: drawdown_breach, caused_by: crash, alert: portfolio_drawdown, severity: high, within: 5m}
"""
PRICES = reference(CRASH_DEPTH)
SIGNALS = signals(drawdown_following(CRASH_DEPTH))
# What a monitor following SIGNALS raises: warning at 14 (0.032), breach at 17 (0.056).
MONITOR = alerts(alert(14, severity="medium"), alert(17))


def timeline(raised: pl.DataFrame = MONITOR, **kwargs: Any) -> pl.DataFrame:
    return build_timeline(CRASH, results(CRASH, PRICES, raised), SIGNALS, raised, **kwargs)


def row(frame: pl.DataFrame, event: str, subject: str | None = None) -> dict[str, Any]:
    match = frame.filter(pl.col("event") == event)
    if subject is not None:
        match = match.filter(pl.col("subject") == subject)
    assert match.height == 1, (event, subject, match)
    return match.row(0, named=True)


def ancestry(frame: pl.DataFrame, start: dict[str, Any]) -> list[str]:
    """Events from `start` up to its trace's root, following parent_span_id."""
    by_span = {r["span_id"]: r for r in frame.iter_rows(named=True)}
    events, current = [], start
    while True:
        assert current["trace_id"] == start["trace_id"]
        events.append(current["event"])
        if current["parent_span_id"] is None:
            return events
        current = by_span[current["parent_span_id"]]


def test_schema_and_order() -> None:
    frame = timeline()
    assert frame.schema == TIMELINE
    assert frame.get_column("ts").is_sorted()
    assert frame.get_column("span_id").n_unique() == frame.height
    assert frame.filter(pl.col("ts") == at(17)).get_column("event").to_list() == [
        "signal_breach",
        "alert_raised",
        "verdict",
    ]


def test_the_chain_walks_from_verdict_to_injection() -> None:
    frame = timeline()
    verdict = row(frame, "verdict", "drawdown_breach")
    assert ancestry(frame, verdict) == [
        "verdict",
        "alert_raised",
        "signal_breach",
        "signal_warning",
        "condition_material",
        "injection_start",
    ]
    assert row(frame, "condition_material")["ts"] == CRASH_ONSET
    assert row(frame, "injection_start")["end_ts"] == CRASH.end


def test_a_warning_before_the_onset_hangs_from_the_injection_and_the_next_from_the_onset() -> None:
    early = signals(drawdown_following(CRASH_DEPTH, lag=0))  # warning at 13, before the onset
    raised = alerts(alert(13, severity="medium"), alert(16))
    frame = build_timeline(CRASH, results(CRASH, PRICES, raised), early, raised)
    assert ancestry(frame, row(frame, "signal_warning")) == ["signal_warning", "injection_start"]
    assert ancestry(frame, row(frame, "signal_breach")) == [
        "signal_breach",
        "condition_material",
        "injection_start",
    ]


@pytest.mark.parametrize(
    ("first_alert", "status"),
    [(CRASH_ONSET + SLA, "PASS"), (CRASH_ONSET + SLA + timedelta(seconds=1), "FAIL_LATE")],
    ids=["exactly_at_the_sla", "one_second_late"],
)
def test_a_detection_verdict_sits_on_its_alert(first_alert: Any, status: str) -> None:
    raised = alerts({**alert(0), "ts": first_alert})
    frame = timeline(raised)
    verdict = row(frame, "verdict", "drawdown_breach")
    assert verdict["ts"] == first_alert
    assert verdict["detail"].startswith(f"{status}: ")
    assert ancestry(frame, verdict)[:3] == ["verdict", "alert_raised", "condition_material"]


def test_a_miss_is_settled_at_the_sla_deadline_under_the_onset() -> None:
    frame = timeline(alerts())
    verdict = row(frame, "verdict", "drawdown_breach")
    assert verdict["ts"] == CRASH_ONSET + SLA
    assert verdict["detail"].startswith("FAIL_MISSED: ")
    assert ancestry(frame, verdict) == ["verdict", "condition_material", "injection_start"]


def test_a_false_positive_lives_in_the_scenario_trace_under_its_alert() -> None:
    fired = alert(30, rule="stablecoin_depeg", subject="USDT")
    frame = timeline(alerts(*MONITOR.iter_rows(named=True), fired))
    verdict = row(frame, "verdict", "must_not_fire:stablecoin_depeg")
    assert verdict["detail"].startswith("FAIL_FALSE_POSITIVE: ")
    assert verdict["ts"] == at(30)
    assert verdict["cause"] is None
    assert ancestry(frame, verdict) == ["verdict", "alert_raised", "scenario"]


def test_chaos_events_join_their_injections_trace() -> None:
    chaos = pl.DataFrame(
        [
            {"ts": at(10), "venue": "exchange", "injection_id": "crash", "kind": "crash",
             "phase": "start", "params": "{}"},
            {"ts": at(12), "venue": "exchange", "injection_id": "ghost", "kind": "downtime",
             "phase": "start", "params": "{}"},
        ]
    )  # fmt: skip
    frame = timeline(chaos_events=[chaos])
    known, unknown = row(frame, "chaos_start", "crash"), row(frame, "chaos_start", "ghost")
    assert ancestry(frame, known) == ["chaos_start", "injection_start"]
    assert ancestry(frame, unknown) == ["chaos_start", "scenario"]
    assert known["component"] == "exchange"


def test_ids_are_deterministic_hex_and_scoped_by_scenario() -> None:
    first, again = timeline(), timeline()
    assert first.equals(again)
    assert first.get_column("trace_id").str.contains(r"^[0-9a-f]{32}$").all()
    assert first.get_column("span_id").str.contains(r"^[0-9a-f]{16}$").all()
    renamed = scenario(BODY, scenario_id="world_again")
    other = build_timeline(renamed, results(renamed, PRICES, MONITOR), SIGNALS, MONITOR).get_column(
        "span_id"
    )
    assert set(other).isdisjoint(first.get_column("span_id"))


def test_a_market_expectation_gets_its_own_trace() -> None:
    market = scenario(
        """
accounts: [{id: desk_a, venue: exchange, balances: {BTC: 1}}]
expectations:
  - id: desk_drawdown
    caused_by: market
    condition: {kind: drawdown, asset: BTC, over: 1h}
    alert: portfolio_drawdown
    severity: high
    within: 5m
"""
    )
    frame = build_timeline(market, results(market, PRICES, MONITOR), SIGNALS, MONITOR)
    verdict = row(frame, "verdict", "desk_drawdown")
    assert ancestry(frame, verdict) == [
        "verdict",
        "alert_raised",
        "signal_breach",
        "signal_warning",
        "condition_material",
        "market_window",
    ]
