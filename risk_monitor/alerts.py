"""Alerts: an event each time a level of a rule × subject turns on ("raised") or off ("cleared").

Each level is its own alert instance, so crossing warning then breach raises two alerts: medium,
then high.
"""

import polars as pl

from risk_monitor.levels import LEVELS, SEVERITY
from risk_monitor.schemas import ALERTS


def _transitions(levelled: pl.DataFrame, level: str) -> pl.DataFrame:
    active = pl.col(f"{level}_active")
    # a level is off before the first evaluation, so one already on at start is raised at start
    was_active = active.shift(1, fill_value=False).over("rule", "subject")
    return levelled.filter(active != was_active).select(
        "ts",
        "rule",
        "subject",
        severity=pl.lit(SEVERITY[level]),
        event=pl.when(active).then(pl.lit("raised")).otherwise(pl.lit("cleared")),
        value="value",
        threshold=f"{level}_level",
        account_id="account_id",
        level=pl.lit(level),
        clear_level=pl.col(f"{level}_level") * pl.col("clear_ratio"),
        armed="armed",
    )


def _message(event: dict[str, object]) -> str:
    value = event["value"]
    shown = f"{value:.4f}" if isinstance(value, float) else "n/a"
    head = f"{event['rule']} {event['subject']} {shown}"
    level, threshold = event["level"], event["threshold"]
    if event["event"] == "raised":
        return f"{head} >= {level} {threshold}"
    if not event["armed"]:
        return f"{head}: {level} {threshold} cleared, rule no longer armed"
    return f"{head} < {event['clear_level']:.6g}: {level} {threshold} cleared"


def owned_alert_events(levelled: pl.DataFrame) -> pl.DataFrame:
    """ALERTS plus the subject's account_id (null: no account's), from a LEVELLED frame (ts
    ascending within each rule × subject); compliance needs the owner, the alerts table not."""
    return owned_alerts(pl.concat([_transitions(levelled, level) for level in LEVELS]))


def owned_alerts(events: pl.DataFrame) -> pl.DataFrame:
    """ALERTS plus account_id, sorted, from transitions: ts, rule, subject, severity, event,
    value, threshold, account_id, level, clear_level, armed."""
    # messages are formatted per event in Python: there are few events, and f-strings read best
    messages = [_message(event) for event in events.iter_rows(named=True)]
    return (
        events.with_columns(message=pl.Series(messages, dtype=pl.String))
        .select(*ALERTS.names(), "account_id")
        .cast(ALERTS)
        .sort("ts", "rule", "subject", "severity", "event")
    )


def alert_events(levelled: pl.DataFrame) -> pl.DataFrame:
    """ALERTS from a LEVELLED frame (ts ascending within each rule × subject)."""
    return owned_alert_events(levelled).select(ALERTS.names())
