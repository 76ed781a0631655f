"""The monitor's single entry point: prod tables + limits in, signals, alerts, compliance and the
monitor's own telemetry out.

Pure and deterministic: no clock, no I/O, outputs sorted on full keys, so the same inputs give
byte-identical tables whatever their row order.
"""

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar, cast

import numpy as np
import polars as pl

from risk_monitor.alerts import owned_alert_events
from risk_monitor.compliance import compliance_status
from risk_monitor.contract import (
    ACCOUNT_BALANCES_TABLE,
    API_STATUS_TABLE,
    EXCHANGE_ORDERS_TABLE,
    MARKET_TICKS_TABLE,
    SETTLEMENTS_TABLE,
    checked_account_balances,
    checked_api_status,
    checked_exchange_orders,
    checked_market_ticks,
    checked_settlements,
)
from risk_monitor.dense import grid_times
from risk_monitor.levels import LEVELLED, apply_levels
from risk_monitor.limits import Limits
from risk_monitor.point_in_time import evaluation_grid
from risk_monitor.rule_blocks import RuleBlocks, SignalBlock, level_blocks
from risk_monitor.rules import RULES, RuleInputs
from risk_monitor.schemas import ALERTS, API_STATUS, EXCHANGE_ORDERS, SETTLEMENTS
from risk_monitor.signal_rows import RuleRows, rows_per_time, signals
from risk_monitor.telemetry import monitor_telemetry

T = TypeVar("T")

# rules that read only their own prod table, not the quotes or the book several rules share
_OWN_VIEWS = frozenset({"api_unavailable", "order_rate", "reject_rate"})


@dataclass(frozen=True, eq=False)
class MonitorOutput:
    """The risk.* tables of one evaluation, each exactly its schema in `schemas.py`."""

    signals: pl.DataFrame
    alerts: pl.DataFrame
    compliance_status: pl.DataFrame
    monitor_telemetry: pl.DataFrame


def _signals_and_alerts(
    inputs: RuleInputs, limits: Limits
) -> tuple[list[RuleBlocks | RuleRows], pl.DataFrame]:
    """Every configured rule's levelled signal rows (as blocks where the rule has one row per
    time × subject, else as a frame of codes) and the owned alert events, sorted. A rule's
    levelled frame is dropped once its alerts and rows are read off it, so no frame of every
    rule's levelled rows ever exists: it was the replay's peak memory."""
    times = grid_times(inputs.grid)
    configured = list(limits.rules.configured())
    # run last (from the other thread's end) the rules that read no shared view, so that
    # thread starts on them while this one builds the quotes and the book, rather than both
    # building the same quotes at once
    levelled = _from_both_ends(
        [partial(_levelled, inputs, name, rule_limits, times) for name, rule_limits in configured],
        sorted(range(len(configured)), key=lambda i: configured[i][0] in _OWN_VIEWS),
    )
    parts = [part for part, _ in levelled]
    alerts = [events for _, events in levelled]
    if not alerts:
        alerts.append(owned_alert_events(LEVELLED.to_frame()))
    events = pl.concat(alerts).sort("ts", "rule", "subject", "severity", "event")
    return parts, events


def _levelled(
    inputs: RuleInputs, name: str, rule_limits: Any, times: np.ndarray
) -> tuple[RuleBlocks | RuleRows, pl.DataFrame]:
    """One rule's levelled signal rows and its owned alert events."""
    signal = RULES[name](inputs, rule_limits)
    levelled = level_blocks(name, signal, rule_limits, times)
    if levelled is not None:
        return levelled
    if isinstance(signal, SignalBlock):
        signal = signal.frame(inputs.grid)
    frame = apply_levels(signal, name, rule_limits).cast(LEVELLED)
    return RuleRows.encode(name, frame), owned_alert_events(frame)


def _from_both_ends(jobs: Sequence[Callable[[], T]], order: Sequence[int]) -> list[T]:
    """Each job's result, in order. Two threads run them in `order` (a permutation of the
    jobs' indices): this one from its first on, the other from its last back, so a view several
    rules share (the book) is computed while the other thread runs rules that do not need it;
    numpy and Polars release the GIL for their array work. Jobs must be independent. The
    exception of the first job (in job order) that raised is raised, as if the jobs had run one
    after another."""
    results: list[T | None] = [None] * len(jobs)
    errors: dict[int, BaseException] = {}
    lock = threading.Lock()
    ends = [0, len(jobs)]  # the next place in `order` from the front, one past it from the back

    def run(front: bool) -> None:
        while True:
            with lock:
                if ends[0] >= ends[1]:
                    return
                if front:
                    place, ends[0] = ends[0], ends[0] + 1
                else:
                    ends[1] -= 1
                    place = ends[1]
            job = order[place]
            try:
                results[job] = jobs[job]()
            except BaseException as error:  # re-raised below, in job order
                errors[job] = error

    with ThreadPoolExecutor(max_workers=1) as pool:
        back = pool.submit(run, False)
        run(True)
        back.result()
    if errors:
        raise errors[min(errors)]
    return cast(list[T], results)


def _inputs(
    grid: pl.DataFrame,
    market_ticks: pl.DataFrame,
    account_balances: pl.DataFrame,
    settlements: pl.DataFrame | None,
    exchange_orders: pl.DataFrame | None,
    api_status: pl.DataFrame | None,
) -> RuleInputs:
    # an input the desk does not have (no custodian, no orders, no pollers) is an empty table
    return RuleInputs(
        grid=grid,
        market_ticks=checked_market_ticks(market_ticks),
        account_balances=checked_account_balances(account_balances),
        settlements=checked_settlements(
            SETTLEMENTS.to_frame() if settlements is None else settlements
        ),
        exchange_orders=checked_exchange_orders(
            EXCHANGE_ORDERS.to_frame() if exchange_orders is None else exchange_orders
        ),
        api_status=checked_api_status(API_STATUS.to_frame() if api_status is None else api_status),
    )


def evaluate(
    market_ticks: pl.DataFrame,
    account_balances: pl.DataFrame,
    limits: Limits,
    start: datetime,
    end: datetime,
    *,
    settlements: pl.DataFrame | None = None,
    exchange_orders: pl.DataFrame | None = None,
    api_status: pl.DataFrame | None = None,
    telemetry_every: timedelta | None = None,
) -> MonitorOutput:
    """Evaluate every configured rule at start, start + interval, ... <= end (timezone-aware),
    each time using only rows with available_at <= that time.

    The monitor's telemetry is at every evaluation time, or with `telemetry_every` only at the
    evaluation times that are whole multiples of it since the epoch: what a metrics scrape at
    that interval would read.

    The keyword inputs are optional prod tables, None meaning the desk has none (an empty
    table): `settlements` (the custodian's settlement API, prod.settlements), `exchange_orders`
    (the exchange's order updates, prod.exchange_orders) and `api_status` (the desk's API polls,
    prod.api_status). Raises InputContractError if an input breaks the contract in `schemas.py`.
    """
    grid = evaluation_grid(start, end, limits.evaluation.interval)
    inputs = _inputs(grid, market_ticks, account_balances, settlements, exchange_orders, api_status)
    sources = {
        MARKET_TICKS_TABLE: inputs.market_ticks,
        ACCOUNT_BALANCES_TABLE: inputs.account_balances,
        SETTLEMENTS_TABLE: inputs.settlements,
        EXCHANGE_ORDERS_TABLE: inputs.exchange_orders,
        API_STATUS_TABLE: inputs.api_status,
    }
    parts, owned_alerts = _signals_and_alerts(inputs, limits)
    # the rules' shared intermediates (prices and account worth on the grid) go before the
    # signals' strings are written: together they were the replay's peak memory
    del inputs
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the telemetry is written while the signals are: each is mostly Polars' work
        scraped = _scrape_times(grid, telemetry_every)
        telemetry = pool.submit(
            monitor_telemetry,
            grid.filter(scraped),
            sources,
            {rule: rows[scraped] for rule, rows in rows_per_time(parts, grid).items()},
        )
        table = signals(parts, grid)
        del parts
        return MonitorOutput(
            signals=table,
            alerts=owned_alerts.select(ALERTS.names()).rechunk(),
            compliance_status=compliance_status(
                owned_alerts, limits.mandate_scope(), grid["ts"][0]
            ),
            monitor_telemetry=telemetry.result(),
        )


def _scrape_times(grid: pl.DataFrame, every: timedelta | None) -> np.ndarray:
    """Which evaluation times the telemetry is kept at (a mask over `grid`)."""
    times = grid_times(grid)
    if every is None:
        return np.ones(times.size, dtype=bool)
    step_us = every // timedelta(microseconds=1)
    if step_us <= 0:
        raise ValueError(f"telemetry_every must be positive, got {every}")
    mask: np.ndarray = times % step_us == 0
    return mask
