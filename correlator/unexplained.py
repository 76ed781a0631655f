"""What fired that nobody asked for: raised alerts of rules no expectation names."""

import polars as pl

from correlator.schemas import UNEXPLAINED_ALERTS
from scenarios import ValidScenario


def unexplained_alerts(scenario: ValidScenario, alerts: pl.DataFrame) -> pl.DataFrame:
    """Raised alerts whose rule no expectation names, oldest first (UNEXPLAINED_ALERTS)."""
    expected_rules = [e.alert for e in scenario.spec.expectations]
    return (
        alerts.filter(pl.col("event") == "raised", ~pl.col("rule").is_in(expected_rules))
        .select(UNEXPLAINED_ALERTS.names())
        .cast(UNEXPLAINED_ALERTS)
        .sort("ts", "rule", "subject", maintain_order=True)
    )
