"""audit.timeline: one ordered event table per run, across components, walkable as traces.

A trace per cause (each injection, each market-caused expectation) and one for the scenario
itself, which holds what no cause explains. Parents point one hop back up the chain, so walking
`parent_span_id` from an alert reaches the injection that set it off.
"""

from collections.abc import Sequence

import polars as pl

from correlator.schemas import TIMELINE
from correlator.spans import SCENARIO_TRACE, Spans, ordered
from correlator.timeline_monitor import Anchor, Anchors, monitor_spans, verdict_spans
from correlator.wording import condition_words
from scenarios import ValidScenario
from scenarios.model import MARKET


def build_timeline(
    scenario: ValidScenario,
    results: pl.DataFrame,
    signals: pl.DataFrame,
    alerts: pl.DataFrame,
    chaos_events: Sequence[pl.DataFrame] = (),
) -> pl.DataFrame:
    """TIMELINE rows for one run. `chaos_events` are the venues' audit chaos tables (ts, venue,
    injection_id, kind, phase, params) when the run has them."""
    spans = Spans(scenario.id)
    root = spans.add(
        SCENARIO_TRACE,
        "scenario",
        None,
        ts=scenario.start,
        end_ts=scenario.end,
        component="coordinator",
        event="scenario",
        subject=scenario.id,
        detail=scenario.spec.title,
    )
    traces = {SCENARIO_TRACE: root} | _injections(spans, scenario)
    for frame in chaos_events:
        _chaos(spans, frame, traces)
    anchors = _onsets(spans, scenario, results, traces)
    anchors[None] = Anchor(SCENARIO_TRACE, root)
    alert_spans = monitor_spans(spans, scenario, results, signals, alerts, anchors)
    verdict_spans(spans, scenario, results, anchors, alert_spans)
    return ordered(pl.DataFrame(spans.rows, schema=TIMELINE))


def trace_key(scenario: ValidScenario, expectation_id: str | None) -> str:
    """The trace an expectation's chain lives in: its injection's, or its own for the market."""
    if expectation_id is None:
        return SCENARIO_TRACE
    expectation = next(e for e in scenario.spec.expectations if e.id == expectation_id)
    if expectation.caused_by == MARKET:
        return f"{MARKET}:{expectation.id}"
    return f"injection:{expectation.caused_by}"


def _injections(spans: Spans, scenario: ValidScenario) -> dict[str, str]:
    roots = {}
    for injection in scenario.injections:
        trace, end = f"injection:{injection.id}", injection.end_ts(scenario.end)
        common = {"subject": injection.id, "cause": injection.id, "component": "coordinator"}
        roots[trace] = spans.add(
            trace,
            f"{trace}:start",
            None,
            ts=injection.start_ts,
            end_ts=end,
            event="injection_start",
            detail=f"{injection.kind} into {injection.target}",
            **common,
        )
        if end < scenario.end:  # held to the end, it never ended inside the run
            spans.add(trace, f"{trace}:end", roots[trace], ts=end, event="injection_end", **common)
    return roots


def _chaos(spans: Spans, frame: pl.DataFrame, traces: dict[str, str]) -> None:
    for row in frame.sort("ts").iter_rows(named=True):
        trace = f"injection:{row['injection_id']}"
        trace = trace if trace in traces else SCENARIO_TRACE
        venue = row.get("venue") or "venue"
        spans.add(
            trace,
            f"chaos:{venue}:{row['injection_id']}:{row['phase']}:{row['ts']}",
            traces[trace],
            ts=row["ts"],
            component=venue,
            event=f"chaos_{row['phase']}",
            subject=row["injection_id"],
            cause=row["injection_id"],
            detail=f"{row['kind']} {row.get('params') or ''}".strip(),
        )


def _onsets(
    spans: Spans, scenario: ValidScenario, results: pl.DataFrame, traces: dict[str, str]
) -> Anchors:
    """Per expectation: its trace, its root and, once material, its onset span."""
    onsets = dict(results.select("expectation_id", "onset_ts").iter_rows())
    anchors: Anchors = {}
    for expectation in scenario.spec.expectations:
        trace = trace_key(scenario, expectation.id)
        cause = MARKET if expectation.caused_by == MARKET else expectation.caused_by
        if trace not in traces:
            traces[trace] = spans.add(
                trace,
                trace,
                None,
                ts=scenario.start,
                end_ts=scenario.end,
                component=MARKET,
                event="market_window",
                subject=expectation.id,
                cause=cause,
                rule=expectation.alert,
                detail=f"watching: {condition_words(scenario, expectation)}",
            )
        anchor = Anchor(trace, traces[trace])
        onset = onsets.get(expectation.id)
        if onset is not None:
            component = MARKET if cause == MARKET else scenario.injection(cause).target
            onset_span = spans.add(
                trace,
                f"onset:{expectation.id}",
                anchor.root,
                ts=onset,
                component=component,
                event="condition_material",
                subject=expectation.id,
                rule=expectation.alert,
                cause=cause,
                detail=condition_words(scenario, expectation),
            )
            anchor = Anchor(trace, anchor.root, onset_span, onset)
        anchors[expectation.id] = anchor
    return anchors
