"""The risk-system effectiveness score of a run: one number a risk committee can track.

    detection = Σ w(severity) · [status = PASS] / Σ w(severity)   over expectations
    w = 1, 2, 4, 8 for low, medium, high, critical   (missing a critical costs 8 lows)
    false_positives = rules that raised with nothing asking for them: must_not_fire rules that
                      fired, and rules of alerts no expectation names (audit.unexplained_alerts)
    score = clamp(detection − 0.1 · false_positives, 0, 1)

A late detection earns nothing: the SLA is the contract. Each noisy rule costs a tenth, so a
perfect detector that also cries wolf on ten rules scores zero. With no expectations, detection
is vacuously 1 and only the penalty counts. Over several scenarios the weights pool and the
penalty is the mean number of false positives per scenario.
"""

from typing import Any

import polars as pl

from correlator.schemas import EFFECTIVENESS
from correlator.validation import MUST_NOT_FIRE_PREFIX

SEVERITY_WEIGHT = {"low": 1.0, "medium": 2.0, "high": 4.0, "critical": 8.0}
FALSE_POSITIVE_PENALTY = 0.1


def effectiveness(results: pl.DataFrame, unexplained: pl.DataFrame) -> pl.DataFrame:
    """EFFECTIVENESS: one row for one scenario run (audit.scenario_results and
    audit.unexplained_alerts of that run)."""
    expectations = results.filter(~pl.col("expectation_id").str.starts_with(MUST_NOT_FIRE_PREFIX))
    weight = pl.col("expected_severity").replace_strict(SEVERITY_WEIGHT, return_dtype=pl.Float64)
    passed = pl.col("status") == "PASS"
    counts = expectations.select(
        expectations=pl.len().cast(pl.Int64),
        passed=passed.sum().cast(pl.Int64),
        late=(pl.col("status") == "FAIL_LATE").sum().cast(pl.Int64),
        missed=(pl.col("status") == "FAIL_MISSED").sum().cast(pl.Int64),
        weight=weight.sum(),
        weight_passed=weight.filter(passed).sum(),
    ).row(0, named=True)
    noisy = set(results.filter(pl.col("status") == "FAIL_FALSE_POSITIVE")["rule"].to_list())
    noisy |= set(unexplained.get_column("rule").to_list())
    return pl.DataFrame([_scored(counts, len(noisy), scenarios=1)], schema=EFFECTIVENESS)


def pooled(per_scenario: pl.DataFrame) -> dict[str, Any]:
    """The run's score over several scenarios' EFFECTIVENESS rows (the same formula, pooled)."""
    if per_scenario.is_empty():
        return _scored({"expectations": 0, "weight": 0.0, "weight_passed": 0.0}, 0, scenarios=1)
    sums = per_scenario.select(
        pl.col("expectations", "passed", "late", "missed", "false_positives").sum(),
        pl.col("weight", "weight_passed").sum(),
    ).row(0, named=True)
    return _scored(sums, sums["false_positives"], scenarios=per_scenario.height)


def _scored(counts: dict[str, Any], false_positives: int, scenarios: int) -> dict[str, Any]:
    weight = counts["weight"] or 0.0
    detection = counts["weight_passed"] / weight if weight else None
    penalty = FALSE_POSITIVE_PENALTY * false_positives / scenarios
    score = min(1.0, max(0.0, (1.0 if detection is None else detection) - penalty))
    return {
        **counts,
        "detection": detection,
        "false_positives": false_positives,
        "penalty": penalty,
        "score": score,
    }


def by_scenario(results: pl.DataFrame, unexplained: pl.DataFrame) -> pl.DataFrame:
    """EFFECTIVENESS per scenario, from several runs' tables (each with scenario_id)."""
    frames = [
        effectiveness(rows, unexplained.filter(pl.col("scenario_id") == sid[0])).select(
            pl.lit(sid[0], pl.String).alias("scenario_id"), pl.all()
        )
        for sid, rows in results.group_by("scenario_id", maintain_order=True)
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=EFFECTIVENESS)
