"""The risk monitor's four metrics from risk.* tables, as the live monitor would have exported
them at each grid time (see risk_monitor/live/loop.py `_export`)."""

import polars as pl

from pipelines.metrics.grid import TS, VALUE, Grid, held, worst

COMPLIANCE_CODES = {"compliant": 0.0, "warning": 1.0, "breach": 2.0}
IN_FORCE = {"warning": ("warning", "breach"), "breach": ("breach",)}


def compliance_status(grid: Grid, compliance: pl.DataFrame) -> pl.DataFrame:
    events = compliance.select(
        "mandate", TS, pl.col("status").replace_strict(COMPLIANCE_CODES).alias(VALUE)
    )
    return held(grid, events, ["mandate"])


def alert_generated(grid: Grid, alerts: pl.DataFrame) -> pl.DataFrame:
    """Counter of raised alerts; 0 from the run's start so `increase()` sees the first one."""
    keys = ["rule", "subject", "severity"]
    raised = alerts.filter(pl.col("event") == "raised").sort(TS)
    events = raised.select(
        *keys, TS, pl.int_range(1, pl.len() + 1).over(keys).cast(pl.Float64).alias(VALUE)
    )
    return held(grid, events, keys, default=0.0)


def monitor_latency(grid: Grid, telemetry: pl.DataFrame) -> pl.DataFrame:
    ages = telemetry.filter((pl.col("metric") == "data_age_s") & pl.col("value").is_not_null())
    return worst(grid, ages.select(pl.col("name").alias("source"), TS, VALUE), ["source"])


def threshold_breach(grid: Grid, signals: pl.DataFrame) -> pl.DataFrame:
    levels = [
        signals.select(
            "rule",
            "subject",
            pl.lit(level).alias("level"),
            TS,
            pl.col("state").is_in(states).cast(pl.Float64).alias(VALUE),
        )
        for level, states in IN_FORCE.items()
    ]
    # grouped on risk.signals' categories; labels are written as strings
    breach = worst(grid, pl.concat(levels), ["rule", "subject", "level"])
    return breach.with_columns(pl.col("rule", "subject").cast(pl.String))
