"""Exchange balances including what the custodian moved in and out of them.

The exchange simulator books trading; the custodian books settlement transfers (its ledger legs
on exchange accounts). An exchange account really holds the sum, and its balance API shows the
sum as of each poll.
"""

import polars as pl

from simulators.schemas import ACCOUNT_BALANCES, ACCOUNT_TRUTH

KEY = ["account_id", "asset"]


def transfer_totals(ledger: pl.DataFrame) -> pl.DataFrame:
    """ts, account_id, asset, moved: running total of settlement transfers per exchange account."""
    return (
        ledger.filter(pl.col("venue") == "exchange")
        .group_by("account_id", "asset", "ts")
        .agg(pl.col("amount").sum())
        .sort("account_id", "asset", "ts")
        .select("ts", *KEY, moved=pl.col("amount").cum_sum().over(KEY))
    )


def settled_truth(trading: pl.DataFrame, totals: pl.DataFrame, venue: str) -> pl.DataFrame:
    """ACCOUNT_TRUTH of the exchange accounts: trading balance + transfers, at every change."""
    if totals.is_empty():
        return trading
    # in the order given, so the sort meets trading's rows already sorted (as the exchange
    # gives them) and has only the transfers to place: from hash order it took 5 times longer
    changes = pl.concat([trading.select("ts", *KEY), totals.select("ts", *KEY)])
    changes = changes.unique(maintain_order=True).sort(*KEY, "ts")
    combined = (
        changes.join_asof(trading.sort(*KEY, "ts").select("ts", *KEY, "balance"), on="ts", by=KEY,
                          check_sortedness=False)
        .join_asof(totals, on="ts", by=KEY, check_sortedness=False)
        .with_columns(
            balance=pl.col("balance").fill_null(0.0) + pl.col("moved").fill_null(0.0),
            venue=pl.lit(venue),
        )
    )  # fmt: skip
    return combined.select(ACCOUNT_TRUTH.names()).sort(*KEY, "ts", "venue")


def settled_snapshots(snapshots: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """ACCOUNT_BALANCES: each polled snapshot with the transfers settled by its `ts` added."""
    if totals.is_empty():
        return snapshots
    return (
        snapshots.sort(*KEY, "ts")
        .join_asof(totals, on="ts", by=KEY, check_sortedness=False)
        .with_columns(balance=pl.col("balance") + pl.col("moved").fill_null(0.0))
        .select(ACCOUNT_BALANCES.names())
        .sort("ts", *KEY)
    )
