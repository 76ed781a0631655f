"""Compliance status of the "firm" mandate: the worst level in force over all rules and subjects.

A level is in force from its "raised" alert to its "cleared" one, so the status can only change at
alert events: it is replayed from them (few) rather than recomputed at every evaluation time.
"""

from datetime import datetime

import polars as pl

from risk_monitor.levels import SEVERITY
from risk_monitor.schemas import COMPLIANCE_STATUS

MANDATE = "firm"
# worst first; a level's compliance status is named after the level
_STATUS_BY_SEVERITY = {SEVERITY["breach"]: "breach", SEVERITY["warning"]: "warning"}


def _status(in_force: dict[str, set[str]]) -> tuple[str, str]:
    for severity, status in _STATUS_BY_SEVERITY.items():
        if in_force[severity]:
            return status, ",".join(sorted(in_force[severity]))
    return "compliant", ""


def compliance_status(alerts: pl.DataFrame, start: datetime) -> pl.DataFrame:
    """COMPLIANCE_STATUS: a row at `start` (the first evaluation time), then one at each alert
    time where the status or the "rule:subject" entries at the worst level change.

    `alerts` is ALERTS sorted by ts.
    """
    in_force: dict[str, set[str]] = {severity: set() for severity in _STATUS_BY_SEVERITY}
    rows: list[tuple[datetime, str, str, str]] = []

    def record(ts: datetime) -> None:
        status, entries = _status(in_force)
        if not rows or rows[-1][2:] != (status, entries):
            rows.append((ts, MANDATE, status, entries))

    now = start
    for alert in alerts.iter_rows(named=True):
        if alert["ts"] != now:  # all events of one instant apply before the status is read
            record(now)
            now = alert["ts"]
        entry = f"{alert['rule']}:{alert['subject']}"
        if alert["event"] == "raised":
            in_force[alert["severity"]].add(entry)
        else:
            in_force[alert["severity"]].discard(entry)
    record(now)
    return pl.DataFrame(rows, schema=COMPLIANCE_STATUS, orient="row")
