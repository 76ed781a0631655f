"""The risk.* tables: exact schemas, compliance change points, and byte-for-byte determinism."""

import io
from datetime import UTC, datetime, timedelta

import polars as pl

from risk_monitor import Limits, MonitorOutput, evaluate, limits_from_mapping
from risk_monitor.schemas import (
    ACCOUNT_BALANCES,
    ALERTS,
    COMPLIANCE_STATUS,
    MARKET_TICKS,
    MONITOR_TELEMETRY,
    SIGNALS,
)

TABLES = ("signals", "alerts", "compliance_status", "monitor_telemetry")

T0 = datetime(2024, 3, 4, tzinfo=UTC)
LIMITS: Limits = limits_from_mapping(
    {
        "version": 1,
        "rules": {
            "portfolio_drawdown": {"lookback": "1h", "warning": 0.25, "breach": 0.5},
            "stablecoin_depeg": {
                "assets": ["USDT"],
                "warning": 0.25,
                "breach": 0.5,
                "min_exposure_usd": 0,
            },
        },
    },
    "test",
)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# desk_a holds BTC, desk_b holds USDT. BTC: −25% at 2 s, −50% at 4 s, back at 6 s.
# USDT: 0.5 from 3 s to 5 s, so its value |0.5 − 1| = 0.5 breaches too.
TICKS = pl.DataFrame(
    [
        (at(ts), pair, price, at(ts))
        for ts, pair, price in [
            (0, "BTC/USD", 128.0),
            (2, "BTC/USD", 96.0),
            (4, "BTC/USD", 64.0),
            (6, "BTC/USD", 128.0),
            (0, "USDT/USD", 1.0),
            (3, "USDT/USD", 0.5),
            (5, "USDT/USD", 1.0),
        ]
    ],
    schema=MARKET_TICKS,
    orient="row",
)
BALANCES = pl.DataFrame(
    [
        (at(0), "desk_a", "exchange", "BTC", 1.0, at(0)),
        (at(0), "desk_b", "exchange", "USDT", 100.0, at(0)),
    ],
    schema=ACCOUNT_BALANCES,
    orient="row",
)


def run(ticks: pl.DataFrame = TICKS, balances: pl.DataFrame = BALANCES) -> MonitorOutput:
    return evaluate(ticks, balances, LIMITS, at(0), at(7))


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def test_outputs_have_exactly_the_declared_schemas() -> None:
    output = run()

    assert output.signals.schema == SIGNALS
    assert output.alerts.schema == ALERTS
    assert output.compliance_status.schema == COMPLIANCE_STATUS
    assert output.monitor_telemetry.schema == MONITOR_TELEMETRY


def test_outputs_keep_their_schemas_with_no_rule_configured() -> None:
    no_rules = limits_from_mapping({"version": 1}, "test")

    output = evaluate(TICKS, BALANCES, no_rules, at(0), at(7))

    assert output.signals.schema == SIGNALS
    assert output.signals.is_empty()
    assert output.alerts.schema == ALERTS
    assert output.alerts.is_empty()
    assert output.compliance_status.rows() == [(at(0), "firm", "compliant", "")]
    assert output.monitor_telemetry.schema == MONITOR_TELEMETRY
    assert set(output.monitor_telemetry["component"]) == {"source"}


def test_one_signal_row_per_time_rule_and_subject_sorted() -> None:
    signals = run().signals

    assert signals.height == 8 * 3
    assert signals.select("ts", "rule", "subject").rows()[:3] == [
        (at(0), "portfolio_drawdown", "desk_a"),
        (at(0), "portfolio_drawdown", "desk_b"),
        (at(0), "stablecoin_depeg", "USDT"),
    ]
    assert signals.equals(signals.sort("ts", "rule", "subject"))
    assert set(signals["warning_level"]) == {0.25}
    assert set(signals["breach_level"]) == {0.5}


def test_compliance_rows_only_at_changes_with_the_worst_entries() -> None:
    assert run().compliance_status.select("ts", "status", "rules_in_breach").rows() == [
        (at(0), "compliant", ""),
        (at(2), "warning", "portfolio_drawdown:desk_a"),
        (at(3), "breach", "portfolio_drawdown:desk_b,stablecoin_depeg:USDT"),
        (
            at(4),
            "breach",
            "portfolio_drawdown:desk_a,portfolio_drawdown:desk_b,stablecoin_depeg:USDT",
        ),
        (at(5), "breach", "portfolio_drawdown:desk_a"),
        (at(6), "compliant", ""),
    ]


def test_compliance_first_row_is_at_start_even_when_already_in_breach() -> None:
    crashed = TICKS.filter(pl.col("pair") == "USDT/USD").with_columns(price=pl.lit(0.25))

    status = run(ticks=crashed, balances=BALANCES.filter(account_id="desk_b")).compliance_status

    assert status.select("ts", "status").rows() == [(at(0), "breach")]


def test_alerts_are_sorted_and_each_level_is_its_own_instance() -> None:
    alerts = run().alerts.filter(rule="portfolio_drawdown", subject="desk_a")

    assert alerts.select("ts", "severity", "event").rows() == [
        (at(2), "medium", "raised"),
        (at(4), "high", "raised"),
        (at(6), "high", "cleared"),
        (at(6), "medium", "cleared"),
    ]


def test_same_inputs_give_equal_frames_and_identical_parquet_bytes() -> None:
    first, second = run(), run()

    for name in TABLES:
        one, other = getattr(first, name), getattr(second, name)
        assert one.equals(other)
        assert parquet_bytes(one) == parquet_bytes(other)


def test_input_row_order_does_not_matter() -> None:
    reference = run()

    shuffled = run(
        ticks=TICKS.sample(fraction=1.0, shuffle=True, seed=3),
        balances=BALANCES.reverse(),
    )

    for name in TABLES:
        assert parquet_bytes(getattr(shuffled, name)) == parquet_bytes(getattr(reference, name))
