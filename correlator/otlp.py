"""audit.timeline as OpenTelemetry spans, in the OTLP/JSON encoding (an ExportTraceServiceRequest).

OTLP/JSON spells trace and span ids as lowercase hex (not base64), 64-bit times as decimal
strings, and enums as integers; any OTLP receiver or `otel-cli`-style tool reads it as is.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

SPAN_KIND_INTERNAL = 1
STATUS_OK, STATUS_ERROR = 1, 2
SCOPE = "riskproof.correlator"
ATTRIBUTES = ("component", "subject", "rule", "cause", "detail")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_otlp(timeline: pl.DataFrame, scenario_id: str, service: str = "riskproof") -> dict[str, Any]:
    """One resource (the run) with one scope holding a span per timeline event."""
    resource = [
        _attribute("service.name", service),
        _attribute("riskproof.scenario_id", scenario_id),
    ]
    spans = [_span(row) for row in timeline.iter_rows(named=True)]
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": resource},
                "scopeSpans": [{"scope": {"name": SCOPE}, "spans": spans}],
            }
        ]
    }


def _span(row: dict[str, Any]) -> dict[str, Any]:
    span: dict[str, Any] = {
        "traceId": row["trace_id"],
        "spanId": row["span_id"],
        "name": row["event"],
        "kind": SPAN_KIND_INTERNAL,
        "startTimeUnixNano": _nanos(row["ts"]),
        "endTimeUnixNano": _nanos(row["end_ts"]),
        "attributes": [
            _attribute(f"riskproof.{name}", row[name])
            for name in ATTRIBUTES
            if row.get(name) is not None
        ],
    }
    if row["parent_span_id"] is not None:
        span["parentSpanId"] = row["parent_span_id"]
    if row["event"] == "verdict":
        # A failed expectation is the one span an on-call reader must find: mark it as an error.
        passed = str(row["detail"]).startswith("PASS")
        span["status"] = {"code": STATUS_OK} if passed else {"code": STATUS_ERROR}
    return span


def _attribute(key: str, value: str) -> dict[str, Any]:
    return {"key": key, "value": {"stringValue": str(value)}}


def _nanos(ts: datetime) -> str:
    # Whole microseconds in integers: a float timestamp would lose the last digits.
    return str((ts - EPOCH) // timedelta(microseconds=1) * 1000)
