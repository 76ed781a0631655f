"""Tables the audit correlator derives."""

import polars as pl

UTC_US = pl.Datetime("us", "UTC")

# audit.scenario_results: one row per expectation and one per must_not_fire rule.
SCENARIO_RESULTS = pl.Schema(
    {
        "expectation_id": pl.String(),
        "rule": pl.String(),
        "expected_severity": pl.String(),
        "detected": pl.Boolean(),
        "onset_ts": UTC_US,
        "first_alert_ts": UTC_US,
        "latency_s": pl.Float64(),
        "sla_s": pl.Float64(),
        "status": pl.String(),
        "detail": pl.String(),
    }
)
STATUSES = ("PASS", "FAIL_LATE", "FAIL_MISSED", "FAIL_FALSE_POSITIVE")

# audit.unexplained_alerts: raised alerts no expectation asked for ("what fired, and why?").
UNEXPLAINED_ALERTS = pl.Schema(
    {
        "ts": UTC_US,
        "rule": pl.String(),
        "subject": pl.String(),
        "severity": pl.String(),
        "value": pl.Float64(),
        "message": pl.String(),
    }
)
