"""Analytics throughput, Polars against DuckDB on the same query in the same run, both the
correlator's own operations on a desk-drawdown workload: ten accounts valued at every tick.

As-of join: every tick × each of ten accounts gets the account's balance of the tick's asset as
of then (ticks x accounts rows), matched on one integer per account × asset as the correlator's
`account_values` does. Window: the correlator's `fall_from_peak` on those holdings' values (each
account × asset a subject): the fall below its highest value of the trailing 24 h, and the worst
subject's fall at each time.
"""

from datetime import timedelta

import duckdb
import polars as pl

from benchmarks.timing import Timing, measure
from correlator.market_truth import fall_from_peak, valued_holdings

# A desk drawdown's default trailing window (scenarios.model.MarketCondition.over).
PEAK_OVER = timedelta(hours=24)
ASOF_SQL = """
create or replace temp table valued as
select l.available_at, l.price, l.asset, l.account_id, l.holding, r.balance
from lhs l asof left join balances r
  on l.holding = r.holding and l.available_at >= r.available_at
"""
# Polars' trailing window (t - 24 h, t] is RANGE 24 h less one microsecond here; its max skips
# NaN (a zero value at a zero peak) where DuckDB's ranks NaN highest.
WINDOW_SQL = f"""
create or replace temp table windowed as
with fallen as (
  select ts, 1 - value / max(value) over (
      partition by subject order by ts
      range between interval '{int(PEAK_OVER.total_seconds() * 1e6) - 1} microseconds' preceding
      and current row) as fallen
  from holding_values)
select ts, coalesce(max(fallen) filter (not isnan(fallen)), max(fallen)) as value
from fallen group by ts order by ts
"""


def analytics_timings(
    ticks: pl.DataFrame, balances: pl.DataFrame, repeats: int, duckdb_repeats: int
) -> tuple[Timing, Timing, Timing, Timing]:
    """(Polars as-of, DuckDB as-of, Polars window, DuckDB window), in rows of the left frame.
    DuckDB takes seconds per query on 2 cores, hence its own (smaller) repeat count."""
    asset = pl.col("pair").str.split("/").list.first()
    accounts = balances.select("account_id").unique().sort("account_id")
    assets = pl.concat([ticks.select(asset=asset), balances.select("asset")]).unique().sort("asset")
    holdings = accounts.join(assets, how="cross").with_row_index("holding")
    lhs = (
        ticks.select("available_at", "price", asset=asset)
        .join(holdings, on="asset")
        .sort("available_at")
    )
    right = (
        balances.select("account_id", "asset", "available_at", "balance")
        .join(holdings, on=["account_id", "asset"])
        .select("holding", "available_at", "balance")
        .sort("available_at")
    )
    rows = lhs.height

    def polars_asof() -> pl.DataFrame:
        return valued_holdings(lhs, right, on="available_at")

    # the holdings' values ordered by subject, then time, as the correlator hands them over
    values = (
        polars_asof()
        .select(
            ts="available_at",
            subject=pl.concat_str("account_id", pl.lit(":"), "asset"),
            value=pl.col("price") * pl.col("balance").fill_null(0.0),
        )
        .sort("subject", "ts")
    )

    def polars_window() -> pl.DataFrame:
        return fall_from_peak(values, PEAK_OVER)

    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.register("lhs_arrow", lhs.to_arrow())
    con.register("balances_arrow", right.to_arrow())
    con.register("values_arrow", values.to_arrow())
    con.execute("create table lhs as select * from lhs_arrow order by available_at")
    con.execute("create table balances as select * from balances_arrow order by available_at")
    con.execute("create table holding_values as select * from values_arrow")
    con.execute(ASOF_SQL)
    label = f"{ticks.height:,} ticks x {accounts.height} accounts"
    window = "window: fall from the trailing 24 h peak per account/asset, worst per time"
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
        measure(f"{window}, Polars", rows, "rows", polars_window, repeats),
        measure(f"{window}, DuckDB", rows, "rows", lambda: con.execute(WINDOW_SQL), duckdb_repeats),
    )
    con.close()
    return timings
