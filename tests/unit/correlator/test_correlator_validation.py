"""Scoring on hand-made tables: a 5% BTC drop becomes material exactly at ONSET."""

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from correlator import SCENARIO_RESULTS, score_scenario
from risk_monitor.schemas import ALERTS
from scenarios import load_scenario
from simulators.schemas import REFERENCE_PRICES

T0 = datetime(2024, 3, 4, tzinfo=UTC)
INJECTED = T0 + timedelta(minutes=10)
ONSET = T0 + timedelta(minutes=12)
SLA = timedelta(minutes=5)
RULES = ["portfolio_drawdown", "stablecoin_depeg"]

SCENARIO_YAML = """
id: crash_test
title: crash test
market:
  start: 2024-03-04T00:00:00Z
  duration: 1h
  pairs: [BTC/USD, ETH/USD, USDT/USD]
injections:
  - {id: crash, at: 10m, target: market_data, kind: crash, params: {drop: 0.15}}
expectations:
  - {id: drawdown_breach, caused_by: crash, alert: portfolio_drawdown, severity: high, within: 5m}
must_not_fire: [stablecoin_depeg]
"""
SCENARIO = load_scenario(SCENARIO_YAML, "test.yaml", known_rules=RULES)


def reference(drop_at_onset: float = 0.05) -> pl.DataFrame:
    rows = [
        (INJECTED, "BTC/USD", 100.0, 100.0),
        (T0 + timedelta(minutes=11), "BTC/USD", 98.0, 100.0),
        (ONSET, "BTC/USD", 100.0 * (1 - drop_at_onset), 100.0),
    ]
    return pl.DataFrame(rows, schema=REFERENCE_PRICES, orient="row")


def alert(
    ts: datetime,
    rule: str = "portfolio_drawdown",
    severity: str = "high",
    event: str = "raised",
    subject: str = "desk_a",
) -> dict[str, object]:
    return {
        "ts": ts,
        "rule": rule,
        "subject": subject,
        "severity": severity,
        "event": event,
        "value": 0.1,
        "threshold": 0.05,
        "message": f"{rule} {event}",
    }


def alerts(*rows: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=ALERTS)


def score(*rows: dict[str, object]) -> dict[str, Any]:
    """The first result row (the expectation) as a dict."""
    return score_scenario(SCENARIO, reference(), alerts(*rows)).row(0, named=True)


def test_result_has_exactly_the_scenario_results_schema() -> None:
    assert score_scenario(SCENARIO, reference(), alerts()).schema == SCENARIO_RESULTS


def test_detection_exactly_at_the_sla_passes() -> None:
    row = score(alert(ONSET + SLA))
    assert row["status"] == "PASS"
    assert row["detected"] is True
    assert row["onset_ts"] == ONSET
    assert row["first_alert_ts"] == ONSET + SLA
    assert row["latency_s"] == 300.0
    assert row["sla_s"] == 300.0


def test_detection_one_second_after_the_sla_is_late() -> None:
    row = score(alert(ONSET + SLA + timedelta(seconds=1)))
    assert row["status"] == "FAIL_LATE"
    assert row["latency_s"] == 301.0
    assert row["detail"].endswith(", 1 s late")


def test_latency_is_microsecond_exact() -> None:
    row = score(alert(ONSET + timedelta(seconds=34, microseconds=200_001)))
    assert row["latency_s"] == 34.200001


def test_no_alert_is_missed() -> None:
    row = score()
    assert row["status"] == "FAIL_MISSED"
    assert row["detected"] is False
    assert row["first_alert_ts"] is None
    assert row["latency_s"] is None
    assert row["onset_ts"] == ONSET


def test_an_alert_below_the_expected_severity_does_not_count() -> None:
    assert score(alert(ONSET, severity="medium"))["status"] == "FAIL_MISSED"


def test_an_alert_above_the_expected_severity_counts() -> None:
    assert score(alert(ONSET, severity="critical"))["status"] == "PASS"


def test_an_alert_before_the_injection_start_does_not_count() -> None:
    row = score(alert(INJECTED - timedelta(seconds=1)))
    assert row["status"] == "FAIL_MISSED"


def test_a_cleared_event_does_not_count() -> None:
    assert score(alert(ONSET + timedelta(seconds=5), event="cleared"))["status"] == "FAIL_MISSED"


def test_an_alert_of_another_rule_does_not_count() -> None:
    assert score(alert(ONSET, rule="stablecoin_depeg"))["status"] == "FAIL_MISSED"


def test_the_first_counting_alert_is_the_one_measured() -> None:
    row = score(
        alert(ONSET + timedelta(seconds=90), subject="desk_b"),
        alert(ONSET + timedelta(seconds=30), severity="medium"),
        alert(ONSET + timedelta(seconds=60)),
    )
    assert row["first_alert_ts"] == ONSET + timedelta(seconds=60)
    assert "on desk_a" in row["detail"]


def test_detection_before_the_condition_became_material_passes_with_negative_latency() -> None:
    row = score(alert(ONSET - timedelta(seconds=30)))
    assert row["status"] == "PASS"
    assert row["latency_s"] == -30.0
    assert "30 s before the crash became material" in row["detail"]


def test_detail_is_one_readable_sentence() -> None:
    row = score(alert(ONSET + timedelta(seconds=34.2)))
    assert row["detail"] == (
        "high portfolio_drawdown on desk_a 34.2 s after the crash became material "
        "(drop ≥ 5%), SLA 300 s"
    )


def test_never_material_and_silent_is_missed() -> None:
    result = score_scenario(SCENARIO, reference(drop_at_onset=0.04), alerts())
    row = result.row(0, named=True)
    assert row["status"] == "FAIL_MISSED"
    assert row["onset_ts"] is None
    assert "never became material" in row["detail"]


def test_never_material_but_alerted_passes_without_latency() -> None:
    result = score_scenario(SCENARIO, reference(drop_at_onset=0.04), alerts(alert(ONSET)))
    row = result.row(0, named=True)
    assert row["status"] == "PASS"
    assert row["detected"] is True
    assert row["latency_s"] is None
    assert row["first_alert_ts"] == ONSET
    assert "never became material" in row["detail"]


def test_a_must_not_fire_rule_that_raised_is_a_false_positive() -> None:
    fired = score_scenario(
        SCENARIO,
        reference(),
        alerts(
            alert(T0 + timedelta(minutes=20), rule="stablecoin_depeg", subject="USDT"),
            alert(T0 + timedelta(minutes=30), rule="stablecoin_depeg", subject="desk_a"),
        ),
    ).row(1, named=True)
    assert fired["expectation_id"] == "must_not_fire:stablecoin_depeg"
    assert fired["rule"] == "stablecoin_depeg"
    assert fired["expected_severity"] is None
    assert fired["status"] == "FAIL_FALSE_POSITIVE"
    assert fired["detected"] is True
    assert fired["first_alert_ts"] == T0 + timedelta(minutes=20)
    assert fired["detail"] == (
        "stablecoin_depeg raised 2 times in the scenario window, "
        "first on USDT at 2024-03-04T00:20:00Z"
    )


def test_a_silent_must_not_fire_rule_passes() -> None:
    silent = score_scenario(
        SCENARIO,
        reference(),
        alerts(
            alert(ONSET, rule="stablecoin_depeg", event="cleared"),
            alert(T0 + timedelta(hours=1), rule="stablecoin_depeg"),  # after the window
        ),
    ).row(1, named=True)
    assert silent["status"] == "PASS"
    assert silent["detected"] is False
    assert silent["first_alert_ts"] is None
    assert silent["detail"] == "stablecoin_depeg never raised in the scenario window"


def test_rows_follow_file_order() -> None:
    text = SCENARIO_YAML.replace(
        "expectations:\n",
        "expectations:\n"
        "  - {id: z_warning, caused_by: crash, alert: portfolio_drawdown, severity: medium,"
        " within: 1m}\n",
    )
    valid = load_scenario(text, "test.yaml", known_rules=RULES)
    result = score_scenario(valid, reference(), alerts())
    assert result.get_column("expectation_id").to_list() == [
        "z_warning",
        "drawdown_breach",
        "must_not_fire:stablecoin_depeg",
    ]


@given(delay_us=st.integers(min_value=-120_000_000, max_value=600_000_000))
def test_status_and_latency_follow_the_alert_delay(delay_us: int) -> None:
    row = score(alert(ONSET + timedelta(microseconds=delay_us)))
    assert row["latency_s"] == delay_us / 1_000_000
    assert row["status"] == ("PASS" if delay_us <= 300_000_000 else "FAIL_LATE")
