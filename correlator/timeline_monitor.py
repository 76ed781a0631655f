"""The monitor's side of the timeline: signal changes, alerts, and the verdicts on them."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from correlator.attribution import attribute, cause_windows
from correlator.monitor_events import signal_changes
from correlator.spans import Spans
from scenarios import SEVERITY_RANK, ValidScenario


@dataclass(frozen=True)
class Anchor:
    """Where an expectation's monitor events hang: its trace's root until the condition became
    material, its onset span from then on (so a chain never runs backwards in time)."""

    trace: str
    root: str
    onset_span: str | None = None
    onset_ts: datetime | None = None

    def at(self, ts: datetime) -> str:
        if self.onset_span is not None and self.onset_ts is not None and ts >= self.onset_ts:
            return self.onset_span
        return self.root

    def after(self, ts: datetime, previous: tuple[str, datetime] | None) -> str:
        """The parent of a change at `ts` following `previous` (span, ts) of the same series: the
        onset if the condition became material in between, else the previous change."""
        if previous is None or self.at(ts) != self.at(previous[1]):
            return self.at(ts)
        return previous[0]


Anchors = dict[str | None, Anchor]


def monitor_spans(
    spans: Spans,
    scenario: ValidScenario,
    results: pl.DataFrame,
    signals: pl.DataFrame,
    alerts: pl.DataFrame,
    anchors: Anchors,
) -> dict[tuple[Any, ...], tuple[str, str]]:
    """Signal changes chained per rule × subject, each alert hung from the change it reports."""
    causes = cause_windows(scenario, results)
    cause_of = dict(causes.select("expectation_id", "cause").iter_rows())
    changes = attribute(signal_changes(signals), causes)
    last: dict[tuple[Any, ...], tuple[str, datetime]] = {}
    at: dict[tuple[Any, ...], str] = {}
    for row in changes.iter_rows(named=True):
        eid, group = row["expectation_id"], (row["expectation_id"], row["rule"], row["subject"])
        anchor = anchors[eid]
        at[(*group, row["ts"])] = span = spans.add(
            anchor.trace,
            f"signal:{row['rule']}:{row['subject']}:{row['ts']}",
            anchor.after(row["ts"], last.get(group)),
            ts=row["ts"],
            component="risk_monitor",
            event=f"signal_{row['state']}",
            subject=row["subject"],
            rule=row["rule"],
            cause=cause_of.get(eid),
            detail=f"{row['previous']} → {row['state']} at {row['value']:.6g} "
            f"(warning {row['warning_level']:.6g}, breach {row['breach_level']:.6g})",
        )
        last[group] = (span, row["ts"])
    alert_spans: dict[tuple[Any, ...], tuple[str, str]] = {}
    for row in attribute(alerts.sort("ts", "rule", "subject"), causes).iter_rows(named=True):
        eid, key = row["expectation_id"], (row["rule"], row["subject"], row["severity"])
        anchor = anchors[eid]
        parent = at.get((eid, row["rule"], row["subject"], row["ts"]), anchor.at(row["ts"]))
        span = spans.add(
            anchor.trace,
            f"alert:{':'.join(key)}:{row['event']}:{row['ts']}",
            parent,
            ts=row["ts"],
            component="risk_monitor",
            event=f"alert_{row['event']}",
            subject=row["subject"],
            rule=row["rule"],
            cause=cause_of.get(eid),
            detail=f"{row['severity']} {row['event']}: {row['message']}",
        )
        alert_spans[(*key, row["event"], row["ts"])] = (anchor.trace, span)
    return alert_spans


def verdict_spans(
    spans: Spans,
    scenario: ValidScenario,
    results: pl.DataFrame,
    anchors: Anchors,
    alert_spans: dict[tuple[Any, ...], tuple[str, str]],
) -> None:
    causes = {e.id: e.caused_by for e in scenario.spec.expectations}
    for row in results.iter_rows(named=True):
        eid = row["expectation_id"] if row["expectation_id"] in causes else None
        anchor, ts = anchors[eid], _verdict_ts(scenario, row)
        counted = _counted_alert(row, alert_spans)
        parent = counted[1] if counted is not None and counted[0] == anchor.trace else anchor.at(ts)
        spans.add(
            anchor.trace,
            f"verdict:{row['expectation_id']}",
            parent,
            ts=ts,
            component="correlator",
            event="verdict",
            subject=row["expectation_id"],
            rule=row["rule"],
            cause=causes.get(eid or ""),
            detail=f"{row['status']}: {row['detail']}",
        )


def _counted_alert(
    row: dict[str, Any], alert_spans: dict[tuple[Any, ...], tuple[str, str]]
) -> tuple[str, str] | None:
    """The alert the verdict measured: raised at first_alert_ts, of its rule, severe enough."""
    if row["first_alert_ts"] is None:
        return None
    floor = SEVERITY_RANK.get(row["expected_severity"] or "low", 0)
    found = sorted(
        (key[1], span)
        for key, span in alert_spans.items()
        if key[0] == row["rule"]
        and key[3] == "raised"
        and key[4] == row["first_alert_ts"]
        and SEVERITY_RANK.get(key[2], -1) >= floor
    )
    return found[0][1] if found else None


def _verdict_ts(scenario: ValidScenario, row: dict[str, Any]) -> datetime:
    """When the verdict was settled: the counted alert, else the SLA deadline, else the end."""
    if row["first_alert_ts"] is not None:
        first: datetime = row["first_alert_ts"]
        return first
    if row["onset_ts"] is not None and row["sla_s"] is not None:
        deadline: datetime = row["onset_ts"] + timedelta(seconds=row["sla_s"])
        return min(deadline, scenario.end)
    return scenario.end
