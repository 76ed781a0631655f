"""Compliance status per mandate: the worst level in force over the rules and subjects it covers.

A mandate covers the subjects of its accounts and every subject that is no account's (see
`mandates.py`). A level is in force from its "raised" alert to its "cleared" one, so a status can
only change at alert events: it is replayed from them (few) rather than recomputed at every
evaluation time.
"""

from datetime import datetime

import polars as pl

from risk_monitor.levels import SEVERITY
from risk_monitor.mandates import MandateScope
from risk_monitor.schemas import COMPLIANCE_STATUS

# worst first; a level's compliance status is named after the level
_STATUS_BY_SEVERITY = {SEVERITY["breach"]: "breach", SEVERITY["warning"]: "warning"}
Row = tuple[datetime, str, str, str]


def _status(in_force: dict[str, set[str]]) -> tuple[str, str]:
    for severity, status in _STATUS_BY_SEVERITY.items():
        if in_force[severity]:
            return status, ",".join(sorted(in_force[severity]))
    return "compliant", ""


def _replay(mandate: str, alerts: pl.DataFrame, start: datetime) -> list[Row]:
    """A row at `start`, then one at each alert time where the status or the entries change."""
    in_force: dict[str, set[str]] = {severity: set() for severity in _STATUS_BY_SEVERITY}
    rows: list[Row] = []

    def record(ts: datetime) -> None:
        status, entries = _status(in_force)
        if not rows or rows[-1][2:] != (status, entries):
            rows.append((ts, mandate, status, entries))

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
    return rows


def compliance_status(alerts: pl.DataFrame, scope: MandateScope, start: datetime) -> pl.DataFrame:
    """COMPLIANCE_STATUS, sorted by ts then mandate: per mandate, a row at `start` (the first
    evaluation time), then one at each alert time where its status or the "rule:subject"
    entries at its worst level change.

    `alerts` is ALERTS sorted by ts plus account_id, the account owning the subject (null for a
    subject that is no account's).
    """
    account = pl.col("account_id")
    rows: list[Row] = []
    for mandate, accounts in scope.items():
        covered = alerts
        if accounts is not None:
            covered = alerts.filter(account.is_null() | account.is_in(sorted(accounts)))
        rows += _replay(mandate, covered, start)
    return pl.DataFrame(rows, schema=COMPLIANCE_STATUS, orient="row").sort("ts", "mandate")
