"""Strategy metrics from prod.strategy_performance: each strategy account's P&L."""

import polars as pl

from pipelines.metrics.grid import TS, VALUE, Grid, empty, held


def pnl(grid: Grid, performance: pl.DataFrame, scenario: str) -> pl.DataFrame:
    """The account's P&L in USD since its strategy started, held between samples.

    The table has one row per asset held, each carrying the account's P&L; the samples take one
    per (strategy, account, time). A run without strategies has no samples.
    """
    keys = ["scenario", "strategy", "account"]
    if performance.is_empty():
        return empty(keys)
    rows = (
        performance.sort(TS)
        .group_by("strategy_id", "account_id", TS, maintain_order=True)
        .agg(pl.col("pnl_usd").last())
        .select(
            pl.lit(scenario).alias("scenario"),
            pl.col("strategy_id").alias("strategy"),
            pl.col("account_id").alias("account"),
            TS,
            pl.col("pnl_usd").alias(VALUE),
        )
    )
    return held(grid, rows, keys)
