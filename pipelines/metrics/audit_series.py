"""The correlator's and the coordinator's metrics from audit.* tables."""

import polars as pl

from pipelines.metrics.grid import TS, VALUE, Grid, constant, empty, from_time_on

HOPS = ("onset_ts", "prod_visible_ts", "signal_change_ts", "first_alert_ts")


def risk_detection(grid: Grid, results: pl.DataFrame, scenario: str) -> pl.DataFrame:
    rows = results.select(
        pl.lit(scenario).alias("scenario"),
        pl.col("expectation_id").alias("expectation"),
        "rule",
        "status",
        "first_alert_ts",
    )
    keys = ["scenario", "expectation", "rule", "status"]
    if rows.is_empty():
        return empty(keys)
    points = constant(grid, rows.with_columns(pl.lit(0.0).alias(VALUE)), [*keys, "first_alert_ts"])
    fired = pl.col("first_alert_ts").is_not_null() & (
        pl.col(TS) >= grid.bucket(pl.col("first_alert_ts"))
    )
    return points.with_columns(fired.cast(pl.Float64).alias(VALUE)).drop("first_alert_ts")


def detection_latency(grid: Grid, results: pl.DataFrame, scenario: str) -> pl.DataFrame:
    rows = _expectations(results, scenario).filter(pl.col("latency_s").is_not_null())
    rows = rows.with_columns(pl.col("latency_s").alias(VALUE))
    return from_time_on(grid, rows, ["scenario", "expectation", "rule"], "first_alert_ts")


def detection_sla(grid: Grid, results: pl.DataFrame, scenario: str) -> pl.DataFrame:
    rows = _expectations(results, scenario).filter(pl.col("sla_s").is_not_null())
    return constant(grid, rows.with_columns(pl.col("sla_s").alias(VALUE)), _EXPECTATION_KEYS)


def alert_accuracy(grid: Grid, results: pl.DataFrame, scenario: str) -> pl.DataFrame:
    if results.is_empty():
        return empty(["scenario"])
    share = results.select(
        pl.lit(scenario).alias("scenario"),
        (pl.col("status") == "PASS").mean().cast(pl.Float64).alias(VALUE),
    )
    return constant(grid, share, ["scenario"])


def effectiveness(grid: Grid, scores: pl.DataFrame, scenario: str) -> pl.DataFrame:
    rows = scores.select(pl.lit(scenario).alias("scenario"), pl.col("score").alias(VALUE))
    return constant(grid, rows, ["scenario"])


def causation_chain(grid: Grid, chains: pl.DataFrame, scenario: str) -> pl.DataFrame:
    r = pl.col("correlation").abs()
    strength = (
        pl.when(r >= 0.7)
        .then(pl.lit("strong"))
        .when(r >= 0.3)
        .then(pl.lit("moderate"))
        .when(r.is_not_null())
        .then(pl.lit("weak"))
        .otherwise(pl.lit("none"))
    )
    rows = chains.select(
        pl.lit(scenario).alias("scenario"),
        pl.col("expectation_id").alias("expectation"),
        "trigger",
        "effect",
        strength.alias("correlation"),
        "status",
        pl.col("correlation").fill_null(0.0).alias(VALUE),
    )
    keys = ["scenario", "expectation", "trigger", "effect", "correlation", "status"]
    return constant(grid, rows, keys)


def causation_hops(grid: Grid, chains: pl.DataFrame, scenario: str) -> pl.DataFrame:
    """Seconds from the cause to each hop; a market-caused chain (no injection) counts from
    its onset."""
    origin = pl.coalesce("injected_ts", "onset_ts")
    parts = [
        from_time_on(
            grid,
            chains.select(
                pl.lit(scenario).alias("scenario"),
                pl.col("expectation_id").alias("expectation"),
                pl.lit(hop.removesuffix("_ts")).alias("hop"),
                pl.col(hop).alias("_at"),
                ((pl.col(hop) - origin).dt.total_microseconds() / 1e6).alias(VALUE),
            ).filter(pl.col(VALUE).is_not_null()),
            ["scenario", "expectation", "hop"],
            "_at",
        )
        for hop in HOPS
    ]
    return pl.concat(parts)


def coverage(grid: Grid, rows: pl.DataFrame, scenario: str) -> pl.DataFrame:
    keys = ["scenario", "risk_scenario", "rule", "mode", "tested", "validated"]
    labelled = rows.select(
        pl.lit(scenario).alias("scenario"),
        "risk_scenario",
        "rule",
        "mode",
        pl.col("tested").cast(pl.String).str.to_lowercase(),
        pl.col("validated").cast(pl.String).str.to_lowercase(),
        pl.lit(1.0).alias(VALUE),
    ).unique(subset=keys)
    return constant(grid, labelled, keys)


def event_injected(grid: Grid, injections: pl.DataFrame, scenario: str) -> pl.DataFrame:
    keys = ["scenario", "injection", "kind", "target"]
    if injections.is_empty():
        return empty(keys)
    rows = injections.select(
        pl.lit(scenario).alias("scenario"),
        pl.col("injection_id").alias("injection"),
        "kind",
        "target",
        pl.lit(0.0).alias(VALUE),
        "start_ts",
        "end_ts",
    )
    points = constant(grid, rows, [*keys, "start_ts", "end_ts"])
    active = (pl.col(TS) >= grid.bucket(pl.col("start_ts"))) & (
        pl.col("end_ts").is_null() | (pl.col(TS) < pl.col("end_ts"))
    )
    return points.with_columns(active.cast(pl.Float64).alias(VALUE)).drop("start_ts", "end_ts")


_EXPECTATION_KEYS = ["scenario", "expectation", "rule"]


def _expectations(results: pl.DataFrame, scenario: str) -> pl.DataFrame:
    return results.select(
        pl.lit(scenario).alias("scenario"),
        pl.col("expectation_id").alias("expectation"),
        "rule",
        "latency_s",
        "sla_s",
        "first_alert_ts",
    )
