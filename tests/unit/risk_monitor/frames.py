"""Small builders for the monitor's input tables and readers of its outputs, times in seconds."""

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from risk_monitor import Limits, MonitorOutput, limits_from_mapping
from risk_monitor.schemas import ACCOUNT_BALANCES, API_STATUS, EXCHANGE_ORDERS, MARKET_TICKS

T0 = datetime(2024, 3, 4, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def seconds(ts: datetime) -> int:
    return int((ts - T0).total_seconds())


def ticks(*rows: tuple[float, str, float, float]) -> pl.DataFrame:
    """(ts, pair, price, available_at)."""
    data = [(at(ts), pair, price, at(seen)) for ts, pair, price, seen in rows]
    return pl.DataFrame(data, schema=MARKET_TICKS, orient="row")


def balances(*rows: tuple[float, str, str, float, float], venue: str = "exchange") -> pl.DataFrame:
    """(ts, account_id, asset, balance, available_at), all on `venue`."""
    data = [(at(ts), acct, venue, asset, bal, at(seen)) for ts, acct, asset, bal, seen in rows]
    return pl.DataFrame(data, schema=ACCOUNT_BALANCES, orient="row")


def orders(*rows: tuple[float, str, str, str, float]) -> pl.DataFrame:
    """(ts, order_id, account_id, status, available_at) of BTC/USD orders, nothing filled."""
    data = [
        (at(ts), order, acct, "BTC/USD", status, 0.0, None, None, at(seen))
        for ts, order, acct, status, seen in rows
    ]
    return pl.DataFrame(data, schema=EXCHANGE_ORDERS, orient="row")


def polls(*rows: tuple[float, str, bool, float], venue: str = "custodian") -> pl.DataFrame:
    """(ts, endpoint, ok, available_at) of `venue`'s API."""
    data = [
        (at(ts), venue, endpoint, ok, None if ok else "timeout", 100.0, at(seen))
        for ts, endpoint, ok, seen in rows
    ]
    return pl.DataFrame(data, schema=API_STATUS, orient="row")


NO_TICKS = MARKET_TICKS.to_frame()
NO_BALANCES = ACCOUNT_BALANCES.to_frame()


def rule_limits(rule: str, **section: Any) -> Limits:
    """Limits configuring `rule` alone with `section`."""
    return limits_from_mapping({"version": 1, "rules": {rule: section}}, "test")


def events(output: MonitorOutput) -> list[tuple[int, str, str]]:
    """(second, severity, event) of each alert."""
    return [
        (seconds(ts), severity, event)
        for ts, severity, event in output.alerts.select("ts", "severity", "event").iter_rows()
    ]


def column(output: MonitorOutput, name: str, subject: str | None = None) -> list[Any]:
    """`name` of the signals (of `subject`, if given), in time order."""
    signals = output.signals
    if subject is not None:
        signals = signals.filter(pl.col("subject") == subject)
    return signals[name].to_list()
