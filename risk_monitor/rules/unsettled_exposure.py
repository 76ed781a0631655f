"""unsettled_exposure: the USD value of settlements the custodian shows as overdue and open.

From the custodian's settlement API (prod.settlements, polled snapshots): at evaluation time t the
newest visible snapshot of each settlement counts; it is exposure once t is `grace` past its
`due_at` while its status is not `settled`, for its unsettled remainder |amount − settled_amount|.
Subject = the custody account. A custodian that stops answering leaves its last snapshot
standing, so overdue settlements keep ageing into exposure, as they would on a desk's screen.
"""

from datetime import timedelta

import numpy as np
import polars as pl

from risk_monitor.config_types import Duration
from risk_monitor.dense import compensated_sum, grid_times, step_on_grid
from risk_monitor.levels import RULE_SIGNAL, LevelLimits
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs


class UnsettledExposureLimits(LevelLimits):
    """Levels are USD amounts of overdue, unsettled value per custody account. A settlement
    counts once it is `grace` past due: a custodian settles at the due time, and the API only
    shows it settled at the next poll, so without a grace every healthy cycle would flash."""

    grace: Duration | None = None


def unsettled_exposure(
    inputs: RuleInputs, limits: UnsettledExposureLimits
) -> pl.DataFrame | SignalBlock:
    """Per evaluation time × custody account that ever had a settlement."""
    overdue = _overdue_units(inputs, limits.grace or timedelta(0))
    if overdue.is_empty():
        return RULE_SIGNAL.to_frame()
    inputs.usd_quotes.require(overdue["asset"].unique())
    times = grid_times(inputs.grid)
    by_key = overdue.partition_by("account_id", "asset", as_dict=True)
    accounts = sorted({account for account, _ in by_key})
    terms: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {account: [] for account in accounts}
    for account, asset in sorted(by_key):
        rows = by_key[(account, asset)]  # one row per change, ts ascending
        units, seen = step_on_grid(
            times, rows["ts"].dt.epoch("us").to_numpy(), rows["units"].to_numpy()
        )
        price, priced = inputs.usd_quotes.on_grid(times, asset)
        # an asset without a visible quote adds nothing, as a null product adds nothing to a sum
        terms[account].append((np.where(seen, units, 0.0) * price, priced))
    # each account's assets added in asset order, as a group-by of its rows sums them
    value = np.column_stack(
        [
            compensated_sum([term for term, _ in terms[a]], [ok for _, ok in terms[a]])
            for a in accounts
        ]
    )
    return SignalBlock(
        tuple(accounts),
        tuple(accounts),
        value,
        np.ones(value.shape, dtype=bool),
        np.ones(value.shape, dtype=bool),
    )


def _overdue_units(inputs: RuleInputs, grace: timedelta) -> pl.DataFrame:
    """ts, account_id, asset, units: overdue unsettled amount as a step function of time.

    Each snapshot is in force from its `available_at` until the settlement's next snapshot; within
    that span it counts from max(available_at, due_at). Summing +units at each start and −units at
    each end gives the total at every change point, with no per-evaluation-time loop.
    """
    snapshots = inputs.settlements.sort("settlement_id", "available_at", "ts")
    spans = snapshots.with_columns(
        until=pl.col("available_at").shift(-1).over("settlement_id"),
        units=(pl.col("amount") - pl.col("settled_amount")).abs(),
        since=pl.max_horizontal("available_at", pl.col("due_at") + grace),
    ).filter(pl.col("status") != "settled", pl.col("units") > 0)
    spans = spans.filter(pl.col("until").is_null() | (pl.col("since") < pl.col("until")))
    starts = spans.select("account_id", "asset", ts="since", delta="units")
    ends = spans.filter(pl.col("until").is_not_null()).select(
        "account_id", "asset", ts="until", delta=-pl.col("units")
    )
    return (
        pl.concat([starts, ends])
        .group_by("account_id", "asset", "ts")
        .agg(pl.col("delta").sum())
        .sort("account_id", "asset", "ts")
        .with_columns(units=pl.col("delta").cum_sum().over("account_id", "asset"))
        .select("ts", "account_id", "asset", "units")
    )
