"""A bounded rolling window of the prod tables the loop has polled.

Rows older than the retention go, except, per key, the oldest and the newest: a feed that stopped
keeps its last row (data_staleness measures its age from it), an endpoint keeps its last success
and first failure (api_unavailable measures from them), a balance or settlement its last state.
So memory is bounded by retention × poll rate plus two rows per key.
"""

from datetime import datetime, timedelta
from types import MappingProxyType

import polars as pl

from risk_monitor.levels import LevelLimits
from risk_monitor.limits import Limits
from risk_monitor.live.polling import Polled
from risk_monitor.schemas import ACCOUNT_BALANCES, API_STATUS, MARKET_TICKS, SETTLEMENTS

TABLES = MappingProxyType(
    {
        "market_ticks": (MARKET_TICKS, ("pair",)),
        "account_balances": (ACCOUNT_BALANCES, ("account_id", "venue", "asset")),
        "settlements": (SETTLEMENTS, ("settlement_id",)),
        "api_status": (API_STATUS, ("venue", "endpoint", "ok")),
    }
)


def rule_windows(limits: Limits) -> timedelta:
    """The longest window a configured rule reads from the data (order and reject windows, the
    settlement grace). The drawdown lookback is left out: its peak is taken over the evaluation
    grid, which in live mode spans the loop's `memory`, not over retained rows."""
    spans = [timedelta(0)]
    for name, rule_limits in limits.rules.configured():
        assert isinstance(rule_limits, LevelLimits)
        for field in type(rule_limits).model_fields:
            value = getattr(rule_limits, field)
            if isinstance(value, timedelta) and name != "portfolio_drawdown":
                spans.append(value)
    return max(spans)


class RollingWindow:
    """The polled prod tables, kept for `retention` (plus each key's oldest and newest row)."""

    def __init__(self, retention: timedelta) -> None:
        self.retention = retention
        self.frames = {name: schema.to_frame() for name, (schema, _) in TABLES.items()}

    def add(self, polled: Polled) -> None:
        for name in TABLES:
            new = getattr(polled, name)
            if new.height:
                self.frames[name] = pl.concat([self.frames[name], new])

    def prune(self, now: datetime) -> None:
        cutoff = now - self.retention
        for name, (_, keys) in TABLES.items():
            ts = pl.col("ts")
            keep = (ts >= cutoff) | (ts == ts.min().over(keys)) | (ts == ts.max().over(keys))
            self.frames[name] = self.frames[name].filter(keep)

    def rows(self) -> int:
        return sum(frame.height for frame in self.frames.values())
