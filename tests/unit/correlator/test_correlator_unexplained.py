"""What fired that nobody asked for."""

from datetime import UTC, datetime, timedelta

import polars as pl

from correlator import UNEXPLAINED_ALERTS, unexplained_alerts
from risk_monitor.schemas import ALERTS
from scenarios import load_scenario

T0 = datetime(2024, 3, 4, tzinfo=UTC)
SCENARIO = load_scenario(
    """
id: crash_test
title: crash test
market: {start: 2024-03-04T00:00:00Z, duration: 1h, pairs: [BTC/USD, USDT/USD]}
injections:
  - {id: crash, at: 10m, target: market_data, kind: crash, params: {drop: 0.15}}
expectations:
  - {id: drawdown_breach, caused_by: crash, alert: portfolio_drawdown, severity: high, within: 5m}
must_not_fire: [stablecoin_depeg]
""",
    "test.yaml",
    known_rules=["portfolio_drawdown", "stablecoin_depeg"],
)


def alert(
    minute: int, rule: str, event: str = "raised", subject: str = "desk_a"
) -> dict[str, object]:
    return {
        "ts": T0 + timedelta(minutes=minute),
        "rule": rule,
        "subject": subject,
        "severity": "medium",
        "event": event,
        "value": 0.012,
        "threshold": 0.01,
        "message": f"{rule} on {subject}",
    }


def test_lists_raised_alerts_of_rules_no_expectation_names_oldest_first() -> None:
    alerts = pl.DataFrame(
        [
            alert(30, "stablecoin_depeg", subject="USDT"),
            alert(12, "portfolio_drawdown"),
            alert(20, "stablecoin_depeg"),
            alert(25, "stablecoin_depeg", event="cleared"),
            alert(15, "position_limit", subject="desk_b"),
        ],
        schema=ALERTS,
    )
    result = unexplained_alerts(SCENARIO, alerts)
    assert result.schema == UNEXPLAINED_ALERTS
    assert result.select("ts", "rule", "subject").rows() == [
        (T0 + timedelta(minutes=15), "position_limit", "desk_b"),
        (T0 + timedelta(minutes=20), "stablecoin_depeg", "desk_a"),
        (T0 + timedelta(minutes=30), "stablecoin_depeg", "USDT"),
    ]


def test_nothing_unexplained_when_only_expected_rules_fire() -> None:
    alerts = pl.DataFrame([alert(12, "portfolio_drawdown")], schema=ALERTS)
    assert unexplained_alerts(SCENARIO, alerts).is_empty()


def test_no_alerts_at_all_gives_an_empty_typed_frame() -> None:
    result = unexplained_alerts(SCENARIO, pl.DataFrame(schema=ALERTS))
    assert result.is_empty()
    assert result.schema == UNEXPLAINED_ALERTS
