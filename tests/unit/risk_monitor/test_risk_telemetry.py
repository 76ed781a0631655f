"""risk.monitor_telemetry: per evaluation time, each prod source's data age and visible rows, and
each configured rule's rows evaluated; deterministic, so reproducible like every output."""

from datetime import timedelta

import polars as pl
import pytest

from risk_monitor import MonitorOutput, evaluate
from risk_monitor.schemas import MONITOR_TELEMETRY
from tests.unit.risk_monitor.frames import at, balances, polls, rule_limits, ticks

LIMITS = rule_limits("api_unavailable", warning="4s", breach="8s")
MARKET = ticks((0, "BTC/USD", 1.0, 1), (2, "BTC/USD", 1.0, 2), (1, "BTC/USD", 1.0, 3))
BOOK = balances((0, "desk_a", "BTC", 1.0, 0), (0, "desk_a", "USD", 1.0, 0))


def run() -> MonitorOutput:
    api = polls((1, "balances", True, 2))
    return evaluate(MARKET, BOOK, LIMITS, at(0), at(3), api_status=api)


def metric(output: MonitorOutput, name: str, metric: str) -> list[float | None]:
    rows = output.monitor_telemetry.filter(pl.col("name") == name, pl.col("metric") == metric)
    return rows["value"].to_list()


def test_schema_and_one_row_per_time_and_metric_sorted() -> None:
    telemetry = run().monitor_telemetry

    assert telemetry.schema == MONITOR_TELEMETRY
    # 5 sources × 2 metrics + 1 rule, at 4 evaluation times
    assert telemetry.height == 4 * 11
    assert telemetry.equals(telemetry.sort("ts", "component", "name", "metric"))
    assert telemetry.filter(ts=at(0))["name"].to_list()[:3] == [
        "api_unavailable",
        "prod.account_balances",
        "prod.account_balances",
    ]


def test_data_age_is_of_the_newest_visible_row_and_null_before_any() -> None:
    output = run()

    # ticks visible at 1 (ts 0), 2 (ts 2), 3 (ts 1: older, the newest stays ts 2)
    assert metric(output, "prod.market_ticks", "data_age_s") == [None, 1.0, 0.0, 1.0]
    assert metric(output, "prod.market_ticks", "visible_rows") == [0.0, 1.0, 2.0, 3.0]
    assert metric(output, "prod.account_balances", "data_age_s") == [0.0, 1.0, 2.0, 3.0]
    assert metric(output, "prod.settlements", "data_age_s") == [None] * 4
    assert metric(output, "prod.exchange_orders", "visible_rows") == [0.0] * 4


def test_rows_evaluated_counts_the_subjects_of_each_rule() -> None:
    output = run()

    assert metric(output, "api_unavailable", "rows_evaluated") == [1.0] * 4


def test_a_rule_with_no_subject_evaluated_zero_rows() -> None:
    output = evaluate(MARKET, BOOK, rule_limits("order_rate", warning=1, breach=2), at(0), at(1))

    assert metric(output, "order_rate", "rows_evaluated") == [0.0, 0.0]
    assert output.monitor_telemetry.height == 2 * 11


def test_telemetry_every_keeps_exactly_the_full_telemetry_at_its_multiples() -> None:
    every = timedelta(seconds=2)
    full = run().monitor_telemetry
    api = polls((1, "balances", True, 2))
    scraped = evaluate(
        MARKET, BOOK, LIMITS, at(0), at(3), api_status=api, telemetry_every=every
    ).monitor_telemetry

    on_multiples = full.filter(
        pl.col("ts").dt.epoch("us") % (every // timedelta(microseconds=1)) == 0
    )
    assert 0 < scraped.height < full.height
    assert scraped.equals(on_multiples)


def test_telemetry_every_must_be_positive() -> None:
    with pytest.raises(ValueError, match="telemetry_every must be positive"):
        evaluate(MARKET, BOOK, LIMITS, at(0), at(3), telemetry_every=timedelta(0))
