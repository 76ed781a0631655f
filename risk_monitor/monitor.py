"""The monitor's single entry point: prod tables + limits in, signals, alerts and compliance out.

Pure and deterministic: no clock, no I/O, outputs sorted on full keys, so the same inputs give
byte-identical tables whatever their row order.
"""

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from risk_monitor.alerts import alert_events
from risk_monitor.compliance import compliance_status
from risk_monitor.contract import (
    checked_account_balances,
    checked_market_ticks,
    checked_settlements,
)
from risk_monitor.levels import LEVELLED, apply_levels
from risk_monitor.limits import Limits
from risk_monitor.point_in_time import evaluation_grid
from risk_monitor.rules import RULES, RuleInputs
from risk_monitor.schemas import SETTLEMENTS, SIGNALS


@dataclass(frozen=True, eq=False)
class MonitorOutput:
    """The risk.* tables of one evaluation, each exactly its schema in `schemas.py`."""

    signals: pl.DataFrame
    alerts: pl.DataFrame
    compliance_status: pl.DataFrame


def _levelled_signals(inputs: RuleInputs, limits: Limits) -> pl.DataFrame:
    frames = [
        apply_levels(RULES[name](inputs, rule_limits), name, rule_limits)
        for name, rule_limits in limits.rules.configured()
    ]
    return pl.concat(frames) if frames else LEVELLED.to_frame()


def evaluate(
    market_ticks: pl.DataFrame,
    account_balances: pl.DataFrame,
    limits: Limits,
    start: datetime,
    end: datetime,
    *,
    settlements: pl.DataFrame | None = None,
) -> MonitorOutput:
    """Evaluate every configured rule at start, start + interval, ... <= end (timezone-aware),
    each time using only rows with available_at <= that time.

    `settlements` is the custodian's settlement API (prod.settlements); a desk without a
    custodian passes none. Raises InputContractError if an input breaks the contract in
    `schemas.py`.
    """
    inputs = RuleInputs(
        grid=evaluation_grid(start, end, limits.evaluation.interval),
        market_ticks=checked_market_ticks(market_ticks),
        account_balances=checked_account_balances(account_balances),
        settlements=checked_settlements(
            SETTLEMENTS.to_frame() if settlements is None else settlements
        ),
    )
    levelled = _levelled_signals(inputs, limits)
    signals = levelled.select(SIGNALS.names()).cast(SIGNALS).sort("ts", "rule", "subject")
    alerts = alert_events(levelled).rechunk()
    return MonitorOutput(
        signals=signals.rechunk(),
        alerts=alerts,
        compliance_status=compliance_status(alerts, start=inputs.grid["ts"][0]),
    )
