"""The custodian's API as a client polled it: balance and settlement snapshots every `poll_every`,
each call answered after a lognormal latency, or with an HTTP 503 while the custodian is offline.

A snapshot shows the truth as of its poll (every change at or before `ts`) and becomes visible at
`available_at = ts + latency`. A failed poll has an api_status row and no snapshot rows, so a
client's newest view simply goes stale, as a desk's screen would.
"""

from datetime import datetime, timedelta

import polars as pl

from simulators.custodian.chaos import VENUE, CustodianChaos
from simulators.custodian.config import CustodianConfig
from simulators.custodian.schemas import ACCOUNT_BALANCES, API_STATUS, SETTLEMENT_SNAPSHOTS
from simulators.seeding import stream
from simulators.time_grid import grid_us, utc_series

BALANCES, SETTLEMENTS = "balances", "settlements"
OFFLINE_ERROR = "HTTP 503 Service Unavailable: custodian offline"


def api_calls(
    start: datetime, end: datetime, chaos: CustodianChaos, seed: int, config: CustodianConfig
) -> pl.DataFrame:
    """API_STATUS: one call per endpoint per poll in [start, end)."""
    polls = grid_us(start, end, config.poll_every)
    offline = chaos.offline_mask(polls)
    calls = []
    for endpoint in (BALANCES, SETTLEMENTS):
        latency_us = config.api_latency.sample_us(
            stream(seed, VENUE, endpoint, "api_latency"), polls.size
        )
        calls.append(
            pl.DataFrame(
                {
                    "ts": utc_series("ts", polls),
                    "venue": VENUE,
                    "endpoint": endpoint,
                    "ok": ~offline,
                    "latency_ms": latency_us / 1000.0,
                    "available_at": utc_series("available_at", polls + latency_us),
                }
            ).with_columns(error=pl.when(pl.col("ok")).then(None).otherwise(pl.lit(OFFLINE_ERROR)))
        )
    return pl.concat(calls).select(API_STATUS.names()).cast(API_STATUS).sort("endpoint", "ts")


def balance_snapshots(truth: pl.DataFrame, calls: pl.DataFrame) -> pl.DataFrame:
    """ACCOUNT_BALANCES: every custody (account, asset) at each answered balances poll."""
    custody = truth.filter(pl.col("venue") == VENUE).select(
        "ts", "account_id", "venue", "asset", "balance"
    )
    holdings = custody.select("account_id", "venue", "asset").unique().sort("account_id", "asset")
    asked = holdings.join(_answered(calls, BALANCES), how="cross").sort("ts")
    snapshots = asked.join_asof(
        custody.sort("ts"),
        on="ts",
        by=["account_id", "venue", "asset"],
        strategy="backward",
        check_sortedness=False,  # both sides sorted by ts just above; polars cannot check per group
    ).drop_nulls("balance")
    return (
        snapshots.select(ACCOUNT_BALANCES.names())
        .cast(ACCOUNT_BALANCES)
        .sort("account_id", "asset", "ts", "venue")
    )


def settlement_snapshots(
    settlements: pl.DataFrame,
    events: pl.DataFrame,
    calls: pl.DataFrame,
    settled_listed_for: timedelta,
) -> pl.DataFrame:
    """SETTLEMENT_SNAPSHOTS: each settlement from its cutoff until `settled_listed_for` after it
    settled (open ones stay listed), at every answered settlements poll."""
    # the loop appends events in time order; the last at a microsecond is the state after it
    states = events.select("ts", "settlement_id", "status", "settled_amount").unique(
        ["settlement_id", "ts"], keep="last", maintain_order=True
    )
    listed = (
        _answered(calls, SETTLEMENTS)
        .join(settlements.drop("status", "settled_amount"), how="cross")
        .filter(
            pl.col("cycle_cutoff") <= pl.col("ts"),
            pl.col("settled_at").is_null()
            | (pl.col("ts") < pl.col("settled_at") + settled_listed_for),
        )
        .sort("ts")
    )
    snapshots = listed.join_asof(
        states.sort("ts"),
        on="ts",
        by="settlement_id",
        strategy="backward",
        check_sortedness=False,  # both sides sorted by ts just above
    )
    return (
        snapshots.select(SETTLEMENT_SNAPSHOTS.names())
        .cast(SETTLEMENT_SNAPSHOTS)
        .sort("settlement_id", "ts")
    )


def _answered(calls: pl.DataFrame, endpoint: str) -> pl.DataFrame:
    return calls.filter(pl.col("endpoint") == endpoint, pl.col("ok")).select("ts", "available_at")
