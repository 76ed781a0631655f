"""What the exchange's API showed a client: order updates, fills and balance polls, each with
the moment it became visible.

- Order updates and fills arrive after a response latency (lognormal, its median scaled by the
  pair's recent volatility and any latency spike), in order per account, as a user-data stream
  delivers them. An update due while the venue is down waits for it to come back; the error
  response to a request made during downtime is itself what the client sees.
- Balances are polled every `poll_every`: one call returns every sub-account. A poll during
  downtime fails with HTTP 503 and a slow one times out; either way there is no snapshot, so the
  client's balances go stale.
"""

import numpy as np
import polars as pl

from scenarios.durations import format_duration
from simulators.exchange.backdoors import LATENCY_SPIKE, Backdoors
from simulators.exchange.config import ExchangeConfig
from simulators.exchange.schemas import PROD_FILLS, PROD_ORDERS
from simulators.schemas import ACCOUNT_BALANCES, API_STATUS
from simulators.seeding import stream
from simulators.time_grid import duration_us, utc_series

SERVICE_UNAVAILABLE = "HTTP 503 Service Unavailable"
FILL_STATUSES = ("partially_filled", "filled")


def prod_orders(
    events: pl.DataFrame, backdoors: Backdoors, seed: int, config: ExchangeConfig
) -> pl.DataFrame:
    """PROD_ORDERS from ORDER_EVENTS plus EVENT_EXTRAS (in the order things happened)."""
    rng = stream(seed, "exchange", "response_latency")
    samples = config.response_latency.sample_us(rng, events.height).astype(np.float64)
    latency = np.rint(samples * events["latency_scale"].to_numpy()).astype(np.int64)
    ts = events["ts"].dt.epoch("us").to_numpy().astype(np.int64)
    available = ts + latency
    waits = ~events["error_response"].to_numpy().astype(bool)
    for start, end in backdoors.downtime_spans():
        held_back = waits & (available >= start) & (available < end)
        available = np.where(held_back, end + latency, available)
    return (
        events.with_columns(utc_series("available_at", available))
        .with_columns(pl.col("available_at").cum_max().over("account_id"))
        .select(PROD_ORDERS.names())
        .cast(PROD_ORDERS)
    )


def prod_fills(fills: pl.DataFrame, orders: pl.DataFrame) -> pl.DataFrame:
    """PROD_FILLS: each fill arrives with the order update that reported it."""
    updates = (
        orders.filter(pl.col("status").is_in(FILL_STATUSES))
        .select("order_id", "ts", "available_at")
        .unique(subset=["order_id", "ts"], keep="last", maintain_order=True)
    )
    published = fills.join(updates, on=["order_id", "ts"], how="left", maintain_order="left")
    if published["available_at"].has_nulls():
        raise AssertionError("a fill without its order update")
    return published.select(PROD_FILLS.names()).cast(PROD_FILLS)


def balance_polls(
    truth: pl.DataFrame,
    start_us: int,
    end_us: int,
    backdoors: Backdoors,
    seed: int,
    config: ExchangeConfig,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(ACCOUNT_BALANCES, API_STATUS) for polls at start + i·poll_every in [start, end) over the
    client accounts' ACCOUNT_TRUTH `truth`."""
    polls = np.arange(start_us, end_us, duration_us(config.poll_every), dtype=np.int64)
    rng = stream(seed, "exchange", "balance_api_latency")
    samples = config.api_latency.sample_us(rng, polls.size).astype(np.float64)
    latency = np.rint(samples * backdoors.factors(LATENCY_SPIKE, polls)).astype(np.int64)
    timeout = duration_us(config.api_timeout)
    timed_out = latency >= timeout
    latency = np.minimum(latency, timeout)
    down = np.zeros(polls.shape, dtype=bool)
    for start, end in backdoors.downtime_spans():
        down |= (polls >= start) & (polls < end)
    timeout_error = f"timeout after {format_duration(config.api_timeout)}"
    errors = np.where(down, SERVICE_UNAVAILABLE, np.where(timed_out, timeout_error, ""))
    status = pl.DataFrame(
        {
            "ts": utc_series("ts", polls),
            "venue": pl.repeat(config.venue, polls.size, dtype=pl.String(), eager=True),
            "endpoint": pl.repeat(
                config.balance_endpoint, polls.size, dtype=pl.String(), eager=True
            ),
            "ok": ~(down | timed_out),
            "error": pl.Series(errors, dtype=pl.String()).replace("", None),
            "latency_ms": latency / 1_000.0,
            "available_at": utc_series("available_at", polls + latency),
        }
    ).cast(API_STATUS)
    return _snapshots(truth, status.filter("ok")), status


def _snapshots(truth: pl.DataFrame, answered: pl.DataFrame) -> pl.DataFrame:
    """Per holding of `truth` (sorted by account_id, asset, ts), its balance at each of the
    `answered` polls (in time order) since its first change, sorted by account_id, asset, ts.

    A search per holding over its own changes: a holding's balance at a poll is its last change
    at or before the poll. (An as-of join of every holding with every poll took ten times as
    long, most of it building the cross product and sorting it twice.)"""
    if truth.is_empty() or answered.is_empty():
        return ACCOUNT_BALANCES.to_frame()
    polls = answered["ts"].dt.epoch("us").to_numpy()
    available = answered["available_at"].dt.epoch("us").to_numpy()
    changed = truth["ts"].dt.epoch("us").to_numpy()
    holdings = (
        truth.with_row_index("row")
        .group_by("account_id", "venue", "asset")
        .agg(pl.col("row"))
        .sort("account_id", "asset", "venue")
    )
    rows, times, visible = [], [], []
    for of_holding in holdings["row"]:
        at = of_holding.to_numpy()
        last = np.searchsorted(changed[at], polls, side="right") - 1
        since = int(np.searchsorted(last, 0))  # the first poll after the holding's first change
        rows.append(at[last[since:]])
        times.append(polls[since:])
        visible.append(available[since:])
    return (
        truth.select("account_id", "venue", "asset", "balance")[np.concatenate(rows)]
        .with_columns(
            utc_series("ts", np.concatenate(times)),
            utc_series("available_at", np.concatenate(visible)),
        )
        .select(ACCOUNT_BALANCES.names())
        .cast(ACCOUNT_BALANCES)
    )
