"""A hand-made run where every answer is known: minute-resolution truth, signals and alerts.

BTC/USD's chaos-free price is 100 throughout; an injection's depth d(m) at minute m makes the
price 100 · (1 − d(m)). The desk's drawdown signal is whatever the test says it is.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import polars as pl

from correlator import score_scenario
from risk_monitor.schemas import ALERTS, SIGNALS
from scenarios import ValidScenario, load_scenario
from simulators.schemas import REFERENCE_PRICES

T0 = datetime(2024, 3, 4, tzinfo=UTC)
MINUTES = 60
RULES = ["portfolio_drawdown", "stablecoin_depeg"]
WARNING, BREACH = 0.03, 0.05


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def scenario(body: str, scenario_id: str = "world") -> ValidScenario:
    """A one-hour scenario from T0 over BTC/USD and USDT/USD; `body` adds injections etc."""
    text = f"""
id: {scenario_id}
title: a hand-made world
market: {{start: 2024-03-04T00:00:00Z, duration: 1h, resolution: 1m,
          pairs: [BTC/USD, USDT/USD]}}
{body}
"""
    return load_scenario(text, f"{scenario_id}.yaml", known_rules=RULES)


def ramp(start: int, per_minute: float, cap: float, stop: int = MINUTES) -> Callable[[int], float]:
    """Depth 0 before `start`, then `per_minute` more each minute up to `cap`, 0 from `stop`."""
    return lambda m: 0.0 if m < start or m >= stop else min(cap, per_minute * (m - start + 1))


def reference(btc_depth: Callable[[int], float], usdt: float = 1.0) -> pl.DataFrame:
    rows = [(at(m), "BTC/USD", 100.0 * (1 - btc_depth(m)), 100.0) for m in range(MINUTES)]
    rows += [(at(m), "USDT/USD", usdt, 1.0) for m in range(MINUTES)]
    return pl.DataFrame(rows, schema=REFERENCE_PRICES, orient="row")


def signals(
    values: Sequence[float | None], rule: str = "portfolio_drawdown", subject: str = "desk_a"
) -> pl.DataFrame:
    """One evaluation per minute; state from the levels, without hysteresis (values rise and
    fall cleanly in these tests)."""

    def state(value: float | None) -> str:
        if value is None:
            return "no_data"
        return "breach" if value >= BREACH else "warning" if value >= WARNING else "ok"

    rows = [
        {"ts": at(m), "rule": rule, "subject": subject, "value": v, "warning_level": WARNING,
         "breach_level": BREACH, "state": state(v)}
        for m, v in enumerate(values)
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=SIGNALS)


def alert(
    minutes: float,
    severity: str = "high",
    rule: str = "portfolio_drawdown",
    event: str = "raised",
    subject: str = "desk_a",
) -> dict[str, object]:
    return {
        "ts": at(minutes), "rule": rule, "subject": subject, "severity": severity, "event": event,
        "value": 0.06, "threshold": BREACH, "message": f"{rule} {subject} {event}",
    }  # fmt: skip


def alerts(*rows: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=ALERTS)


def results(valid: ValidScenario, prices: pl.DataFrame, raised: pl.DataFrame) -> pl.DataFrame:
    return score_scenario(valid, prices, raised)


CRASH = scenario(
    """
injections:
  - {id: crash, at: 10m, target: market_data, kind: crash, params: {drop: 0.1, over: 10m}}
expectations:
  - {id: drawdown_breach, caused_by: crash, alert: portfolio_drawdown, severity: high, within: 5m}
must_not_fire: [stablecoin_depeg]
"""
)
# The crash deepens 1% a minute from minute 10 (1% at minute 10): 5% — material — at minute 14.
CRASH_DEPTH = ramp(10, 0.01, 0.10)
CRASH_ONSET = at(14)


def drawdown_following(depth: Callable[[int], float], lag: int = 1) -> list[float | None]:
    """The desk's drawdown: 80% of the injected depth, `lag` minutes late (no data at minute 0)."""
    return [None] + [0.8 * depth(m - lag) for m in range(1, MINUTES)]
