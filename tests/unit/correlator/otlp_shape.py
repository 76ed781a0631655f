"""The OTLP/JSON shape of an ExportTraceServiceRequest (opentelemetry-proto trace/v1), checked by
hand: the protobuf package is not a dependency, and these are the rules receivers enforce."""

import json
import re
from typing import Any

HEX_TRACE = re.compile(r"^[0-9a-f]{32}$")
HEX_SPAN = re.compile(r"^[0-9a-f]{16}$")
UINT64 = re.compile(r"^[0-9]{1,20}$")
SPAN_KEYS = {
    "traceId", "spanId", "parentSpanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano",
    "attributes", "status", "traceState", "flags", "events", "links",
}  # fmt: skip
VALUE_KEYS = {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue"}


def otlp_problems(document: dict[str, Any]) -> list[str]:
    """Every way `document` is not valid OTLP/JSON trace data; empty when it is."""
    document = json.loads(json.dumps(document))  # it must survive JSON as is
    problems: list[str] = []
    spans: list[dict[str, Any]] = []
    if not document.get("resourceSpans"):
        problems.append("no resourceSpans")
    for resource in document.get("resourceSpans", []):
        problems += _attributes(resource.get("resource", {}).get("attributes", []), "resource")
        if not resource.get("scopeSpans"):
            problems.append("no scopeSpans")
        for scope in resource.get("scopeSpans", []):
            if not isinstance(scope.get("scope", {}).get("name", ""), str):
                problems.append("scope.name must be a string")
            spans += scope.get("spans", [])
    seen = {(s.get("traceId"), s.get("spanId")) for s in spans}
    if len(seen) != len(spans):
        problems.append("duplicate (traceId, spanId)")
    for span in spans:
        problems += [f"span {span.get('spanId')}: {p}" for p in _span(span, seen)]
    return problems


def _span(span: dict[str, Any], seen: set[tuple[Any, Any]]) -> list[str]:
    problems = [f"unknown key {k}" for k in set(span) - SPAN_KEYS]
    if not HEX_TRACE.match(str(span.get("traceId"))) or set(span["traceId"]) == {"0"}:
        problems.append("traceId must be 32 lowercase hex digits, not all zero")
    if not HEX_SPAN.match(str(span.get("spanId"))) or set(span["spanId"]) == {"0"}:
        problems.append("spanId must be 16 lowercase hex digits, not all zero")
    parent = span.get("parentSpanId")
    if parent is not None and (span["traceId"], parent) not in seen:
        problems.append("parentSpanId names no span of the same trace")
    if not isinstance(span.get("name"), str) or not span["name"]:
        problems.append("name must be a non-empty string")
    if span.get("kind") not in range(6):
        problems.append("kind must be a SpanKind integer 0..5")
    times = [span.get("startTimeUnixNano"), span.get("endTimeUnixNano")]
    if not all(isinstance(t, str) and UINT64.match(t) for t in times):
        problems.append("start/endTimeUnixNano must be decimal strings")
    elif int(str(times[1])) < int(str(times[0])):
        problems.append("ends before it starts")
    if "status" in span and span["status"].get("code") not in (0, 1, 2):
        problems.append("status.code must be 0, 1 or 2")
    return problems + _attributes(span.get("attributes", []), "span")


def _attributes(attributes: list[dict[str, Any]], where: str) -> list[str]:
    problems = []
    for attribute in attributes:
        value = attribute.get("value", {})
        if not isinstance(attribute.get("key"), str) or len(value) != 1 or set(value) - VALUE_KEYS:
            problems.append(f"{where} attribute {attribute!r} is not a KeyValue")
    return problems
