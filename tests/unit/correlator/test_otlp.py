"""The timeline exported as OTLP/JSON spans."""

from datetime import UTC, datetime
from typing import Any

import polars as pl

from correlator.otlp import to_otlp
from correlator.timeline import build_timeline
from tests.unit.correlator.otlp_shape import otlp_problems
from tests.unit.correlator.world import (
    CRASH,
    CRASH_DEPTH,
    alert,
    alerts,
    drawdown_following,
    reference,
    results,
    signals,
)

RAISED = alerts(alert(14, severity="medium"), alert(17), alert(30, rule="stablecoin_depeg"))
TIMELINE = build_timeline(
    CRASH,
    results(CRASH, reference(CRASH_DEPTH), RAISED),
    signals(drawdown_following(CRASH_DEPTH)),
    RAISED,
)


def spans() -> list[dict[str, Any]]:
    document = to_otlp(TIMELINE, CRASH.id)
    spans: list[dict[str, Any]] = document["resourceSpans"][0]["scopeSpans"][0]["spans"]
    return spans


def test_the_export_is_valid_otlp_json() -> None:
    assert otlp_problems(to_otlp(TIMELINE, CRASH.id)) == []


def test_the_validator_catches_what_receivers_reject() -> None:
    broken = to_otlp(TIMELINE, CRASH.id)
    span = broken["resourceSpans"][0]["scopeSpans"][0]["spans"][1]
    span["traceId"] = span["traceId"].upper()
    span["startTimeUnixNano"] = 1
    span["parentSpanId"] = "0123456789abcdef"
    mine = [p for p in otlp_problems(broken) if p.startswith(f"span {span['spanId']}:")]
    assert len(mine) == 3


def test_one_span_per_event_with_ids_times_and_parents_from_the_timeline() -> None:
    exported = spans()
    assert len(exported) == TIMELINE.height
    first, row = exported[1], TIMELINE.row(1, named=True)
    assert (first["traceId"], first["spanId"], first["name"]) == (
        row["trace_id"],
        row["span_id"],
        row["event"],
    )
    roots = [s for s in exported if "parentSpanId" not in s]
    assert {s["name"] for s in roots} == {"scenario", "injection_start"}


def test_times_are_exact_nanoseconds() -> None:
    ts = datetime(2024, 3, 4, 0, 0, 1, 123456, tzinfo=UTC)
    one = TIMELINE.head(1).with_columns(ts=pl.lit(ts), end_ts=pl.lit(ts))
    span = to_otlp(one, "x")["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    assert span["startTimeUnixNano"] == "1709510401123456000"


def test_failed_verdicts_are_error_spans() -> None:
    codes = sorted(s["status"]["code"] for s in spans() if s["name"] == "verdict")
    assert codes == [1, 2]  # the crash PASSed, the must_not_fire rule fired
