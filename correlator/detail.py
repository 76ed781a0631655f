"""The one-sentence `detail` of a scenario result, written for the risk engineer reading it.

e.g. "high portfolio_drawdown on desk_a 34.2 s after the crash became material (drop ≥ 5%),
SLA 300 s".
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class FirstAlert:
    """The first raised alert that counts for a result row."""

    ts: datetime
    subject: str
    severity: str


@dataclass(frozen=True)
class Expected:
    """What an expectation asked for, in the words its sentence uses."""

    rule: str
    severity: str
    cause: str
    condition: str
    sla: timedelta


def name_injection(injection_id: str, kind: str) -> str:
    """'crash' when the id just repeats the kind, else "depeg 'usdt_slide'"."""
    return kind if injection_id == kind else f"{kind} {injection_id!r}"


def expectation_sentence(
    expected: Expected, onset: datetime | None, first: FirstAlert | None
) -> str:
    material = f"the {expected.cause} became material ({expected.condition})"
    never = f"the {expected.cause} never became material ({expected.condition})"
    sla = f"SLA {seconds(expected.sla)} s"
    if first is None:
        missing = f"no {expected.rule} at {expected.severity} or above"
        if onset is None:
            return f"{missing}, and {never}"
        return f"{missing} after {material} at {utc(onset)}, {sla}"
    alert = f"{first.severity} {expected.rule} on {first.subject}"
    if onset is None:
        return f"{alert} at {utc(first.ts)} although {never}; latency not measured"
    latency = first.ts - onset
    when = "before" if latency < timedelta(0) else "after"
    sentence = f"{alert} {seconds(abs(latency))} s {when} {material}, {sla}"
    if latency > expected.sla:
        sentence += f", {seconds(latency - expected.sla)} s late"
    return sentence


def must_not_fire_sentence(rule: str, count: int, first: FirstAlert | None) -> str:
    if first is None:
        return f"{rule} never raised in the scenario window"
    times = "once" if count == 1 else f"{count} times"
    return (
        f"{rule} raised {times} in the scenario window, first on {first.subject} at {utc(first.ts)}"
    )


def seconds(span: timedelta) -> str:
    """Seconds to the millisecond, without trailing zeros: '34.2', '300'."""
    return f"{span.total_seconds():.3f}".rstrip("0").rstrip(".")


def utc(ts: datetime) -> str:
    """ISO 8601 in UTC with a Z, microseconds only when there are any."""
    ts = ts.astimezone(UTC)
    fraction = f".{ts.microsecond:06d}" if ts.microsecond else ""
    return f"{ts:%Y-%m-%dT%H:%M:%S}{fraction}Z"
