"""Venue metrics from audit.* venue truth and prod.api_status: order latency, settlement delay,
injected failures, API health."""

import polars as pl

from pipelines.metrics.grid import TS, VALUE, Grid, empty, held, worst


def order_latency(
    grid: Grid, requests: pl.DataFrame, events: pl.DataFrame, scenario: str
) -> pl.DataFrame:
    keys = ["scenario", "pair", "status"]
    if requests.is_empty() or events.is_empty():
        return empty(keys)
    first = events.sort(TS).group_by("order_id", maintain_order=True).first()
    answered = requests.select("order_id", "pair", pl.col(TS).alias("_requested")).join(
        first.select("order_id", "status", pl.col(TS).alias("_answered")), on="order_id"
    )
    rows = answered.select(
        pl.lit(scenario).alias("scenario"),
        "pair",
        "status",
        pl.col("_requested").alias(TS),
        ((pl.col("_answered") - pl.col("_requested")).dt.total_microseconds() / 1e6).alias(VALUE),
    )
    return worst(grid, rows, keys)


def settlement_delay(grid: Grid, settlements: pl.DataFrame, scenario: str) -> pl.DataFrame:
    keys = ["scenario", "asset"]
    if settlements.is_empty():
        return empty(keys)
    late = settlements.select("asset", "due_at", "settled_at").join(grid.times(), how="cross")
    waiting = (pl.col("due_at") <= pl.col(TS)) & (
        pl.col("settled_at").is_null() | (pl.col("settled_at") > pl.col(TS))
    )
    delay = pl.when(waiting).then((pl.col(TS) - pl.col("due_at")).dt.total_microseconds() / 1e6)
    return (
        late.group_by("asset", TS)
        .agg(delay.max().fill_null(0.0).alias(VALUE))
        .select(pl.lit(scenario).alias("scenario"), "asset", TS, VALUE)
    )


def injected_failures(grid: Grid, chaos: pl.DataFrame, scenario: str) -> pl.DataFrame:
    keys = ["scenario", "venue", "kind"]
    started = chaos.filter(pl.col("phase") == "start").sort(TS)
    events = started.select(
        pl.lit(scenario).alias("scenario"),
        "venue",
        "kind",
        TS,
        pl.int_range(1, pl.len() + 1).over("venue", "kind").cast(pl.Float64).alias(VALUE),
    )
    return held(grid, events, keys, default=0.0)


def api_up(grid: Grid, api_status: pl.DataFrame, scenario: str) -> pl.DataFrame:
    rows = api_status.select(
        pl.lit(scenario).alias("scenario"),
        "venue",
        "endpoint",
        TS,
        pl.col("ok").cast(pl.Float64).alias(VALUE),
    )
    return worst(grid, rows, ["scenario", "venue", "endpoint"], how="min")
