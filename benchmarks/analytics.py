"""Analytics throughput, Polars against DuckDB on the same query in the same run: an as-of join
valuing every tick for each of ten accounts at its balance then (ticks x accounts rows), and the
window work on that frame (per account and asset: cumulative drawdown from the running peak and
a 60-row rolling max)."""

import duckdb
import polars as pl

from benchmarks.timing import Timing, measure

ROLLING = 60
ASOF_SQL = """
create or replace temp table valued as
select l.account_id, l.asset, l.available_at, l.price, r.balance
from lhs l asof left join balances r
  on l.account_id = r.account_id and l.asset = r.asset and l.available_at >= r.available_at
"""
WINDOW_SQL = f"""
create or replace temp table windowed as
select *,
  1 - value / max(value) over (partition by account_id, asset order by available_at
                               rows between unbounded preceding and current row) as drawdown,
  max(value) over (partition by account_id, asset order by available_at
                   rows between {ROLLING - 1} preceding and current row) as rolling_max
from (select *, price * coalesce(balance, 0) as value from valued)
"""


def analytics_timings(
    ticks: pl.DataFrame, balances: pl.DataFrame, repeats: int, duckdb_repeats: int
) -> tuple[Timing, Timing, Timing, Timing]:
    """(Polars as-of, DuckDB as-of, Polars window, DuckDB window), in rows of the left frame.
    DuckDB takes seconds per query on 2 cores, hence its own (smaller) repeat count."""
    accounts = balances.select("account_id").unique().sort("account_id")
    lhs = (
        ticks.select("available_at", "price", asset=pl.col("pair").str.split("/").list.first())
        .join(accounts, how="cross")
        .sort("available_at")
    )
    right = balances.select("account_id", "asset", "available_at", "balance").sort("available_at")
    rows = lhs.height

    def polars_asof() -> pl.DataFrame:
        return lhs.join_asof(
            right, on="available_at", by=["account_id", "asset"], check_sortedness=False
        )

    valued = polars_asof()

    def polars_window() -> pl.DataFrame:
        value = pl.col("price") * pl.col("balance").fill_null(0)
        series = ["account_id", "asset"]
        return valued.with_columns(value=value).with_columns(
            drawdown=1 - pl.col("value") / pl.col("value").cum_max().over(series),
            rolling_max=pl.col("value").rolling_max(ROLLING, min_samples=1).over(series),
        )

    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.register("lhs_arrow", lhs.to_arrow())
    con.register("balances_arrow", right.to_arrow())
    con.execute("create table lhs as select * from lhs_arrow order by available_at")
    con.execute("create table balances as select * from balances_arrow order by available_at")
    con.execute(ASOF_SQL)
    label = f"{ticks.height:,} ticks x {accounts.height} accounts"
    timings = (
        measure(f"as-of join, Polars join_asof ({label})", rows, "rows", polars_asof, repeats),
        measure(
            f"as-of join, DuckDB ASOF JOIN ({label})",
            rows,
            "rows",
            lambda: con.execute(ASOF_SQL),
            duckdb_repeats,
            warmup=0,  # the setup above ran it once
        ),
        measure(
            "window: cumulative drawdown + rolling max per account/asset, Polars",
            rows,
            "rows",
            polars_window,
            repeats,
        ),
        measure(
            "window: cumulative drawdown + rolling max per account/asset, DuckDB",
            rows,
            "rows",
            lambda: con.execute(WINDOW_SQL),
            duckdb_repeats,
        ),
    )
    con.close()
    return timings
