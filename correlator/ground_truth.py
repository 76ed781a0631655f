"""Ground-truth labels for tuning: at every evaluation time, was the condition there, and why?

The label comes from audit truth only (the condition series each expectation is measured on):
true from the time the condition is material until it clears or its injection ends. It is the
scenario's condition, so every subject of the expectation's rule carries the same label; the
monitor's value for each subject sits beside it.
"""

import polars as pl

from correlator.conditions import Condition, conditions
from correlator.schemas import LABELS
from correlator.truth import Truth
from scenarios import ValidScenario

NO_CAUSES = pl.Schema(
    {"ts": LABELS["ts"], "rule": pl.String(), "cause": pl.String(), "expectation_id": pl.String()}
)


def truth_labels(scenario: ValidScenario, signals: pl.DataFrame, truth: Truth) -> pl.DataFrame:
    """LABELS for every row of `signals` (risk.signals), sorted by rule, subject, ts.

    Where two conditions of one rule are present at once, the label names the one that became
    material last, as the causation attribution does."""
    rows = signals.select(
        "ts", "rule", "subject", "value", "warning_level", "breach_level", "state"
    ).sort("rule", "subject", "ts")
    times = rows.select(pl.col("ts").unique().sort())
    present = [_present(c, order, times) for order, c in enumerate(conditions(scenario, truth))]
    causes = (
        pl.concat(present)
        .sort(["ts", "rule", "started", "order"], descending=[False, False, True, False])
        .unique(["ts", "rule"], keep="first", maintain_order=True)
        .drop("started", "order")
        if present
        else pl.DataFrame(schema=NO_CAUSES)
    )
    return (
        rows.join(causes.cast({"rule": rows.schema["rule"]}), on=["ts", "rule"], how="left")
        .with_columns(label=pl.col("expectation_id").is_not_null())
        .select(LABELS.names())
        .cast(LABELS)
        .sort("rule", "subject", "ts")
    )


def _present(condition: Condition, order: int, times: pl.DataFrame) -> pl.DataFrame:
    """ts, rule, cause, expectation_id, started, order: the evaluation times it is present at."""
    on_grid = times.join_asof(condition.series.sort("ts"), on="ts").filter(condition.present())
    return on_grid.select(
        "ts",
        rule=pl.lit(condition.rule),
        cause=pl.lit(condition.cause),
        expectation_id=pl.lit(condition.expectation_id),
        started=pl.col("ts").min(),
        order=pl.lit(order, pl.Int64),
    )
