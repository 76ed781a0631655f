"""Onsets of venue backdoors, from audit truth.

An exchange backdoor (latency, rejects, spread, downtime) is material the moment it opens: the
venue already behaves differently. A custodian backdoor is material once the overdue, unsettled
value it leaves at the custodian reaches `material` USD, measured on the custodian's internal
settlement records valued at true reference prices, never on the API the monitor polls.
"""

from datetime import datetime

import polars as pl

from correlator.market_truth import usd_prices
from correlator.onset import FLOAT_SLACK
from correlator.truth import Truth
from scenarios.model import TypedInjection


def active_onset(injection: TypedInjection, truth: Truth, material: float) -> datetime | None:
    return injection.start_ts


def overdue_value_onset(
    injection: TypedInjection, truth: Truth, material: float
) -> datetime | None:
    """First time at or after the injection that overdue unsettled value reaches `material`."""
    settlements = truth.required("settlements", f"injection {injection.id!r}")
    overdue = overdue_units(settlements)
    if overdue.is_empty():
        return None
    grid = truth.reference_prices.select(pl.col("ts").unique().sort())
    keys = overdue.select("asset").unique()
    units = (
        grid.join(keys, how="cross")
        .sort("asset", "ts")
        .join_asof(overdue, on="ts", by="asset", check_sortedness=False)
        .with_columns(pl.col("units").fill_null(0.0))
    )
    prices = usd_prices(truth.reference_prices, sorted(keys["asset"].to_list()))
    value = (
        units.join(prices, on=["ts", "asset"], how="left")
        .group_by("ts")
        .agg(value=(pl.col("units") * pl.col("usd_price")).sum())
    )
    first: datetime | None = (
        value.filter(pl.col("ts") >= injection.start_ts, pl.col("value") >= material - FLOAT_SLACK)
        .select(pl.col("ts").min())
        .item()
    )
    return first


def overdue_units(settlements: pl.DataFrame) -> pl.DataFrame:
    """ts, asset, units: overdue unsettled units summed over settlements, at each change.

    A settlement is overdue from its `due_at` until it settles (`settled_at`, null while open);
    its units are what was never settled of it: |amount − settled_amount| once settled partly.
    """
    spans = settlements.with_columns(units=pl.col("amount").abs())
    starts = spans.select("asset", ts="due_at", delta="units")
    ends = spans.filter(pl.col("settled_at").is_not_null()).select(
        "asset",
        ts=pl.max_horizontal("settled_at", "due_at"),
        delta=-(pl.col("settled_amount").abs()),
    )
    return (
        pl.concat([starts, ends])
        .group_by("asset", "ts")
        .agg(pl.col("delta").sum())
        .sort("asset", "ts")
        .with_columns(units=pl.col("delta").cum_sum().over("asset"))
        .select("ts", "asset", "units")
    )
