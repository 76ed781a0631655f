"""Onsets of venue backdoors, from audit truth.

An exchange backdoor (latency, rejects, spread, downtime) is material the moment it opens: the
venue already behaves differently. A custodian backdoor is material once the overdue, unsettled
value it leaves at the custodian reaches `material` USD, measured on the custodian's internal
settlement records valued at true reference prices, never on the API the monitor polls.
"""

from datetime import datetime

import polars as pl

from correlator.market_truth import usd_prices
from correlator.onset import first_at_least
from correlator.schemas import UTC_US
from correlator.truth import Truth
from scenarios.model import TypedInjection


def active_onset(injection: TypedInjection, truth: Truth, material: float) -> datetime | None:
    return injection.start_ts


def overdue_value_onset(
    injection: TypedInjection, truth: Truth, material: float
) -> datetime | None:
    """First time at or after the injection that overdue unsettled value reaches `material`."""
    series = overdue_value(truth, f"injection {injection.id!r}")
    return first_at_least(series, injection.start_ts, material)


def overdue_value(truth: Truth, why: str) -> pl.DataFrame:
    """ts, value: overdue unsettled USD value at the custodian at every reference time (empty
    when nothing was ever overdue), valued at true prices."""
    overdue = overdue_units(
        truth.required("settlements", why), truth.required("settlement_events", why)
    )
    if overdue.is_empty():
        return pl.DataFrame(schema={"ts": UTC_US, "value": pl.Float64()})
    grid = truth.reference_prices.select(pl.col("ts").unique().sort())
    keys = overdue.select("asset").unique()
    units = (
        grid.join(keys, how="cross")
        .sort("asset", "ts")
        .join_asof(overdue, on="ts", by="asset", check_sortedness=False)
        .with_columns(pl.col("units").fill_null(0.0))
    )
    prices = usd_prices(truth.reference_prices, sorted(keys["asset"].to_list()))
    return (
        units.join(prices, on=["ts", "asset"], how="left")
        .group_by("ts")
        .agg(value=(pl.col("units") * pl.col("usd_price")).sum())
        .sort("ts")
    )


def overdue_units(settlements: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """ts, asset, units: overdue unsettled units summed over settlements, at each change.

    A settlement is overdue for its whole |amount| from its `due_at`; each event that moved part
    of it (a partial or final settlement) takes that much off from the moment it moved.
    """
    starts = settlements.select("asset", ts="due_at", delta=pl.col("amount").abs())
    moves = events.filter(pl.col("moved") != 0).join(
        settlements.select("settlement_id", "asset", "due_at"), on="settlement_id"
    )
    ends = moves.select(
        "asset", ts=pl.max_horizontal("ts", "due_at"), delta=-(pl.col("moved").abs())
    )
    return (
        pl.concat([starts, ends])
        .group_by("asset", "ts")
        .agg(pl.col("delta").sum())
        .sort("asset", "ts")
        .with_columns(units=pl.col("delta").cum_sum().over("asset"))
        .select("ts", "asset", "units")
    )
