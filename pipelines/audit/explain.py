"""`riskproof explain`: a run's causal chains and its timeline around detection, for a person."""

from datetime import datetime, timedelta
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from correlator.detail import seconds as format_seconds
from correlator.detail import utc
from pipelines.scorecard import STATUS_STYLE
from scenarios.durations import format_duration

HOPS = (
    ("injected_ts", "injected"),
    ("onset_ts", "condition material"),
    ("prod_visible_ts", "visible in prod"),
    ("signal_change_ts", "first signal level change"),
    ("first_alert_ts", "first alert (counted)"),
)
MAX_TREE = 40
MAX_ROWS = 60


def render_explanation(
    chains: pl.DataFrame, timeline: pl.DataFrame, window: timedelta, console: Console
) -> None:
    scenario = timeline.filter(pl.col("event") == "scenario").row(0, named=True)
    console.print(f"[bold]{scenario['subject']}[/]: {scenario['detail']}\n")
    verdicts = {
        row["subject"]: row["detail"]
        for row in timeline.filter(pl.col("event") == "verdict").iter_rows(named=True)
    }
    for trace_id, rows in chains.group_by("trace_id", maintain_order=True):
        for chain in rows.iter_rows(named=True):
            _chain(chain, verdicts.get(chain["expectation_id"], ""), console)
        console.print(_tree(timeline.filter(pl.col("trace_id") == trace_id[0])))
        console.print()
    _around_detection(chains, timeline, window, console)


def _chain(chain: dict[str, Any], verdict: str, console: Console) -> None:
    style = STATUS_STYLE.get(chain["status"], "")
    console.print(
        f"[bold]{chain['expectation_id']}[/] [{style}]{chain['status']}[/]  "
        f"{chain['trigger']} ({chain['trigger_kind']}) → {chain['effect']}"
        + (f" on {chain['effect_subject']}" if chain["effect_subject"] else "")
    )
    console.print(f"  {verdict.partition(': ')[2]}", highlight=False)
    table = Table(show_edge=False, header_style="bold", pad_edge=False, box=None)
    for column in ("  hop", "time (UTC)", "from onset"):
        table.add_column(column, justify="right" if column == "from onset" else "left")
    onset = chain["onset_ts"]
    for key, name in HOPS:
        ts = chain[key]
        table.add_row(f"  {name}", utc(ts) if ts else "-", _offset(ts, onset))
    console.print(table)
    if chain["correlation"] is not None:
        console.print(
            f"  strength: r = {chain['correlation']:.4f} at lag {chain['lag_s']:g} s "
            f"({chain['effect']} following the {chain['trigger_kind']} condition)"
        )


def _tree(trace: pl.DataFrame) -> Tree:
    """The trace as its parents link it: walk down from the root to the verdicts."""
    rows = trace.sort("ts").iter_rows(named=True)
    children: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        children.setdefault(row["parent_span_id"], []).append(row)
    roots = children.get(None, [])
    tree = Tree("[bold]causal chain[/]")
    pending = [(tree, root) for root in roots]
    shown = 0
    while pending and shown < MAX_TREE:
        branch, row = pending.pop(0)
        node = branch.add(_label(row), highlight=False)
        shown += 1
        pending.extend((node, child) for child in children.get(row["span_id"], []))
    if pending:
        tree.add(f"… {trace.height - shown} more events in this trace (audit.timeline)")
    return tree


def _label(row: dict[str, Any]) -> str:
    when = utc(row["ts"])
    who = " ".join(str(row[k]) for k in ("subject", "rule") if row[k])
    return f"{when}  [bold]{row['event']}[/] {who}  [dim]{row['detail'] or ''}[/]"


def _around_detection(
    chains: pl.DataFrame, timeline: pl.DataFrame, window: timedelta, console: Console
) -> None:
    """Every component's events within `window` of each first alert (or onset, if missed)."""
    centres = [
        row["first_alert_ts"] or row["onset_ts"]
        for row in chains.iter_rows(named=True)
        if row["first_alert_ts"] or row["onset_ts"]
    ]
    if not centres:
        return
    near = (
        pl.any_horizontal([(pl.col("ts") - c).abs() <= window for c in centres])
        & pl.col("event").is_in(["scenario", "market_window"]).not_()
    )
    events = timeline.filter(near)
    title = f"timeline within {format_duration(window)} of detection"
    table = Table(title=title, header_style="bold")
    for column in ("time (UTC)", "component", "event", "subject", "rule", "detail"):
        table.add_column(column, overflow="fold")
    for row in events.head(MAX_ROWS).iter_rows(named=True):
        table.add_row(
            utc(row["ts"]),
            row["component"],
            row["event"],
            row["subject"],
            row["rule"] or "",
            row["detail"] or "",
        )
    console.print(table)
    if events.height > MAX_ROWS:
        console.print(f"… {events.height - MAX_ROWS} more rows: select * from audit.timeline")


def _offset(ts: datetime | None, onset: datetime | None) -> str:
    if ts is None or onset is None:
        return "-"
    seconds = (ts - onset).total_seconds()
    sign = "+" if seconds > 0 else "−" if seconds < 0 else ""
    size = abs(seconds)
    if size >= 3600:
        return f"{sign}{size / 3600:.2f} h"
    if size >= 120:
        return f"{sign}{size / 60:.1f} min"
    return f"{sign}{format_seconds(timedelta(seconds=size))} s"
