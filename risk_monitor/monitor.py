"""The monitor's single entry point: prod tables + limits in, signals, alerts, compliance and the
monitor's own telemetry out.

Pure and deterministic: no clock, no I/O, outputs sorted on full keys, so the same inputs give
byte-identical tables whatever their row order.
"""

from dataclasses import dataclass
from datetime import datetime

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
from risk_monitor.signal_rows import RuleRows, signals_table
from risk_monitor.telemetry import monitor_telemetry


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
    parts: list[RuleBlocks | RuleRows] = []
    alerts = []
    for name, rule_limits in limits.rules.configured():
        signal = RULES[name](inputs, rule_limits)
        levelled = level_blocks(name, signal, rule_limits, times)
        if levelled is None:
            if isinstance(signal, SignalBlock):
                signal = signal.frame(inputs.grid)
            frame = apply_levels(signal, name, rule_limits).cast(LEVELLED)
            alerts.append(owned_alert_events(frame))
            parts.append(RuleRows.encode(name, frame))
        else:
            parts.append(levelled[0])
            alerts.append(levelled[1])
        del signal, levelled
    if not alerts:
        alerts.append(owned_alert_events(LEVELLED.to_frame()))
    events = pl.concat(alerts).sort("ts", "rule", "subject", "severity", "event")
    return parts, events


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
) -> MonitorOutput:
    """Evaluate every configured rule at start, start + interval, ... <= end (timezone-aware),
    each time using only rows with available_at <= that time.

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
    table = signals_table(parts, grid)
    del parts
    return MonitorOutput(
        signals=table.signals,
        alerts=owned_alerts.select(ALERTS.names()).rechunk(),
        compliance_status=compliance_status(owned_alerts, limits.mandate_scope(), grid["ts"][0]),
        monitor_telemetry=monitor_telemetry(grid, sources, table.rows_per_time),
    )
