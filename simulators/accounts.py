"""Still balances, truth and polled snapshots, for callers without venues (the benchmarks).

The replay's balances come from the exchange and custodian simulators, which book every trade
and settlement; this module keeps the venue-free path and the balance API's latency model.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from scenarios.model import Account
from simulators.latency import Latency
from simulators.schemas import ACCOUNT_BALANCES, ACCOUNT_TRUTH
from simulators.seeding import stream
from simulators.time_grid import grid_us, utc_series


@dataclass(frozen=True)
class BalanceApiLatency(Latency):
    """A REST balance endpoint: fast usually, occasionally a slow second."""

    median: timedelta = timedelta(milliseconds=150)
    sigma: float = 0.5
    cap: timedelta = timedelta(seconds=5)


def account_truth(accounts: Sequence[Account], start: datetime) -> pl.DataFrame:
    """ACCOUNT_TRUTH: each account's opening balance per asset at `start`, sorted."""
    rows = [
        {"ts": start, "account_id": a.id, "venue": a.venue, "asset": asset, "balance": balance}
        for a in accounts
        for asset, balance in a.balances.items()
    ]
    # venue last: it only breaks ties, so equal keys can never come out in a varying order
    return pl.DataFrame(rows, schema=ACCOUNT_TRUTH).sort("account_id", "asset", "ts", "venue")


def publish_balances(
    truth: pl.DataFrame,
    start: datetime,
    end: datetime,
    *,
    seed: int,
    poll_every: timedelta = timedelta(seconds=10),
    latency: BalanceApiLatency = BalanceApiLatency(),
) -> pl.DataFrame:
    """ACCOUNT_BALANCES: a snapshot of every (account, asset) at each poll in [start, end).

    One API call per account per poll, so all of an account's assets share that call's latency.
    An asset the truth has no row for yet at a poll is not in that snapshot.
    """
    if truth.is_empty():
        return ACCOUNT_BALANCES.to_frame()
    polls = pl.DataFrame({"ts": utc_series("ts", grid_us(start, end, poll_every))})
    holdings = (
        truth.select("account_id", "venue", "asset").unique().sort("account_id", "asset", "venue")
    )
    asked = holdings.join(polls, how="cross").sort("ts")
    snapshots = asked.join_asof(
        truth.select("ts", "account_id", "venue", "asset", "balance").sort("ts"),
        on="ts",
        by=["account_id", "venue", "asset"],
        strategy="backward",
        check_sortedness=False,  # both sides sorted by ts just above; polars cannot check per group
    ).drop_nulls("balance")
    accounts = holdings["account_id"].unique().sort()
    delays = pl.concat([_call_latencies(a, polls, seed, latency) for a in accounts])
    published = snapshots.join(delays, on=["account_id", "ts"], how="left").with_columns(
        available_at=pl.col("ts") + pl.duration(microseconds=pl.col("latency_us"))
    )
    return (
        published.select(ACCOUNT_BALANCES.names())
        .cast(ACCOUNT_BALANCES)
        .sort("account_id", "asset", "ts", "venue")
    )


def _call_latencies(
    account_id: str, polls: pl.DataFrame, seed: int, latency: Latency
) -> pl.DataFrame:
    rng = stream(seed, account_id, "balance_api_latency")
    return polls.with_columns(
        account_id=pl.lit(account_id, dtype=pl.String()),
        latency_us=pl.Series(latency.sample_us(rng, polls.height), dtype=pl.Int64()),
    )
