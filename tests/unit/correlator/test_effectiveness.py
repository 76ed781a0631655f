"""The effectiveness score on verdicts whose score is known."""

import polars as pl
import pytest

from correlator.effectiveness import by_scenario, effectiveness, pooled
from correlator.schemas import EFFECTIVENESS, SCENARIO_RESULTS, UNEXPLAINED_ALERTS
from tests.unit.correlator.world import at


def verdicts(*rows: tuple[str, str | None, str, str]) -> pl.DataFrame:
    """(expectation_id, expected severity, rule, status) rows of audit.scenario_results."""
    return pl.DataFrame(
        [
            {"expectation_id": e, "expected_severity": sev, "rule": rule, "status": status}
            for e, sev, rule, status in rows
        ],
        schema=SCENARIO_RESULTS,
    )


def unexplained(*rules: str) -> pl.DataFrame:
    rows = [{"ts": at(5), "rule": rule, "subject": "desk_a", "severity": "high"} for rule in rules]
    return pl.DataFrame(rows, schema=UNEXPLAINED_ALERTS)


def score(results: pl.DataFrame, noise: pl.DataFrame | None = None) -> dict[str, object]:
    frame = effectiveness(results, unexplained() if noise is None else noise)
    assert frame.schema == EFFECTIVENESS
    return frame.row(0, named=True)


def test_every_expectation_passed_and_nothing_else_fired_scores_one() -> None:
    row = score(verdicts(("a", "high", "r", "PASS"), ("must_not_fire:x", None, "x", "PASS")))
    assert (row["expectations"], row["passed"], row["detection"], row["score"]) == (1, 1, 1.0, 1.0)


def test_a_missed_high_outweighs_a_passed_medium() -> None:
    row = score(verdicts(("a", "high", "r", "FAIL_MISSED"), ("b", "medium", "r", "PASS")))
    assert row["detection"] == pytest.approx(2 / 6)
    assert (row["missed"], row["passed"]) == (1, 1)


def test_a_late_detection_earns_nothing() -> None:
    row = score(verdicts(("a", "critical", "r", "FAIL_LATE"), ("b", "low", "r", "PASS")))
    assert row["late"] == 1
    assert row["detection"] == pytest.approx(1 / 9)


def test_each_rule_that_fired_unasked_costs_a_tenth_once() -> None:
    row = score(
        verdicts(("a", "high", "r", "PASS"), ("must_not_fire:x", None, "x", "FAIL_FALSE_POSITIVE")),
        unexplained("x", "x", "y"),  # x also unexplained: still one false positive
    )
    assert row["false_positives"] == 2
    assert row["score"] == pytest.approx(0.8)


def test_no_expectations_means_only_the_penalty_counts() -> None:
    row = score(verdicts(("must_not_fire:x", None, "x", "FAIL_FALSE_POSITIVE")))
    assert row["detection"] is None
    assert row["score"] == pytest.approx(0.9)


def test_the_score_never_goes_below_zero() -> None:
    noise = unexplained(*(f"rule_{i}" for i in range(12)))
    assert score(verdicts(("a", "high", "r", "PASS")), noise)["score"] == 0.0


def test_a_run_pools_weights_and_averages_the_penalty_per_scenario() -> None:
    results = pl.concat(
        [
            verdicts(("a", "high", "r", "PASS")).with_columns(scenario_id=pl.lit("one")),
            verdicts(("b", "low", "r", "FAIL_MISSED")).with_columns(scenario_id=pl.lit("two")),
        ]
    )
    noise = unexplained("y").with_columns(scenario_id=pl.lit("two"))
    per = by_scenario(results, noise)
    assert per.get_column("scenario_id").to_list() == ["one", "two"]
    assert per.get_column("false_positives").to_list() == [0, 1]
    run = pooled(per)
    assert run["detection"] == pytest.approx(4 / 5)
    assert run["score"] == pytest.approx(4 / 5 - 0.1 / 2)
