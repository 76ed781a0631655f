"""The bundled scenarios, end to end through Dagster: detected, within SLA, in the warehouse."""

from pathlib import Path

import duckdb

from tests.integration.conftest import lake_table


def test_both_library_scenarios_pass(library_run: Path) -> None:
    for scenario_id, expectation in (
        ("market_crash", "drawdown_breach"),
        ("usdt_depeg", "depeg_alert"),
    ):
        results = lake_table(library_run, "audit.scenario_results", scenario_id)
        row = results.filter(expectation_id=expectation).row(0, named=True)
        assert row["detected"], row
        assert row["status"] == "PASS", row
        assert 0 <= row["latency_s"] <= row["sla_s"], row
        assert (results["status"] == "PASS").all(), results


def test_warehouse_answers_sql_over_every_table(library_run: Path) -> None:
    with duckdb.connect(str(library_run / "warehouse.duckdb"), read_only=True) as db:
        tables = db.sql(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()
        assert {t for (t,) in tables} >= {
            "raw.candles",
            "market.candles",
            "prod.market_ticks",
            "prod.account_balances",
            "risk.alerts",
            "risk.signals",
            "risk.compliance_status",
            "audit.injections",
            "audit.reference_prices",
            "audit.scenario_results",
        }
        statuses = db.sql(
            "select scenario_id, status from audit.scenario_results order by all"
        ).fetchall()
        assert {s for (s, _) in statuses} == {"market_crash", "usdt_depeg"}
        early = db.sql("select count(*) from prod.market_ticks where available_at < ts").fetchone()
        assert early == (0,)
