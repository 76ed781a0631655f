"""audit.coverage per run, and folded over runs with what nothing tested."""

import polars as pl

from correlator.coverage import coverage_summary, risk_scenario, scenario_coverage
from correlator.schemas import COVERAGE
from tests.unit.correlator.world import (
    CRASH,
    CRASH_DEPTH,
    alert,
    alerts,
    reference,
    results,
)

LIMIT_RULES = ["portfolio_drawdown", "stablecoin_depeg", "unsettled_exposure"]


def run(*raised: dict[str, object]) -> pl.DataFrame:
    frame = scenario_coverage(
        CRASH, results(CRASH, reference(CRASH_DEPTH), alerts(*raised)), LIMIT_RULES
    )
    assert frame.schema == COVERAGE
    return frame


def test_a_run_lists_what_it_detects_keeps_silent_and_leaves_untested() -> None:
    rows = run(alert(17)).select("risk_scenario", "rule", "injection_kind", "mode", "tested",
                                 "validated").rows()  # fmt: skip
    assert rows == [
        ("market_crash", "portfolio_drawdown", "crash", "detect", True, True),
        ("market_crash", "stablecoin_depeg", None, "stay_silent", True, True),
        ("market_crash", "unsettled_exposure", None, "untested", False, False),
    ]


def test_failed_checks_are_tested_but_not_validated() -> None:
    frame = run(alert(30, rule="stablecoin_depeg", subject="USDT"))  # a miss and a false positive
    assert frame.filter(pl.col("tested")).get_column("validated").to_list() == [False, False]


def test_across_runs_one_failure_unvalidates_and_untested_rules_and_kinds_close_the_table() -> None:
    passed = run(alert(17)).with_columns(scenario_id=pl.lit("a"))
    missed = run().with_columns(scenario_id=pl.lit("b"))
    summary = coverage_summary(pl.concat([passed, missed]), [*LIMIT_RULES, "position_limit"])
    detect = summary.filter(pl.col("mode") == "detect").row(0, named=True)
    assert (detect["scenarios"], detect["expectations"], detect["validated"]) == (2, 2, False)
    untested_rules = summary.filter(pl.col("mode") == "untested", pl.col("rule").is_not_null())
    assert untested_rules.get_column("rule").to_list() == ["position_limit", "unsettled_exposure"]
    kinds = summary.filter(pl.col("rule").is_null()).get_column("injection_kind").to_list()
    assert {"depeg", "settlement_delay"} <= set(kinds)
    assert "crash" not in kinds


def test_risk_scenarios_are_named_by_what_breaks() -> None:
    assert risk_scenario("crash") == risk_scenario("market:drawdown") == "market_crash"
    assert risk_scenario("settlement_delay") == "settlement_failure"
    assert risk_scenario("downtime") == "exchange_degradation"
