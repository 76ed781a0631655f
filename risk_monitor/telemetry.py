"""risk.monitor_telemetry: how fresh the monitor's inputs were and how much each rule evaluated.

Deterministic by design, so the table is reproducible like every other output: per evaluation
time and prod source, the age of the newest visible row (`data_age_s`) and the rows visible
(`visible_rows`); per evaluation time and configured rule, the signal rows it produced
(`rows_evaluated`, its subjects). How long an evaluation took on the wall clock depends on the
machine, so the caller measures it (around `evaluate`) and exports it next to these.
"""

from collections.abc import Mapping, Sequence

import polars as pl

from risk_monitor.point_in_time import age_seconds
from risk_monitor.schemas import MONITOR_TELEMETRY

SOURCE_METRICS = ("data_age_s", "visible_rows")


def _source(grid: pl.DataFrame, name: str, rows: pl.DataFrame) -> pl.DataFrame:
    # running newest ts and row count at each publication instant, read at each evaluation time
    visible = (
        rows.select("ts", "available_at")
        .sort("available_at", "ts")
        .with_columns(newest=pl.col("ts").cum_max(), visible_rows=pl.int_range(1, pl.len() + 1))
        .group_by("available_at", maintain_order=True)
        .last()
        .select("available_at", "newest", "visible_rows")
    )
    seen = grid.join_asof(visible, left_on="ts", right_on="available_at", strategy="backward")
    return seen.select(
        "ts",
        component=pl.lit("source"),
        name=pl.lit(name),
        data_age_s=age_seconds(pl.col("newest")),
        visible_rows=pl.col("visible_rows").fill_null(0).cast(pl.Float64),
    ).unpivot(SOURCE_METRICS, index=["ts", "component", "name"], variable_name="metric")


def _rules(grid: pl.DataFrame, rules: Sequence[str], signals: pl.DataFrame) -> pl.DataFrame:
    """rows_evaluated of each of `rules` (at least one) at each time, by ts then rule."""
    # signals are sorted by ts, then rule: each (ts, rule) is one run, cheaper than a group_by
    runs = (
        signals.select("ts", "rule")
        .with_columns(run=pl.struct("ts", "rule").rle_id())
        .group_by("run", maintain_order=True)
        .agg(pl.first("ts", "rule"), value=pl.len().cast(pl.Float64))
    )
    per_rule = [
        grid.join(
            runs.filter(pl.col("rule") == rule).select("ts", "value"),
            on="ts",
            how="left",
            maintain_order="left",
        ).select(
            "ts",
            component=pl.lit("rule"),
            name=pl.lit(rule),
            metric=pl.lit("rows_evaluated"),
            value=pl.col("value").fill_null(0.0),  # a rule with no subject evaluated nothing
        )
        for rule in rules
    ]
    return pl.concat(per_rule).sort("ts", maintain_order=True)


def monitor_telemetry(
    grid: pl.DataFrame,
    sources: Mapping[str, pl.DataFrame],
    rules: Sequence[str],
    signals: pl.DataFrame,
) -> pl.DataFrame:
    """MONITOR_TELEMETRY over the evaluation `grid`, for the prod `sources` (table name → checked
    rows) and the configured `rules` (their rows of `signals`), sorted on full key."""
    # each part is in (component, name, metric) order within ts, and parts are concatenated in
    # that order: a stable sort on ts alone then gives the full-key order, far cheaper on strings
    parts = [_rules(grid, sorted(rules), signals)] if rules else []
    parts += [_source(grid, name, sources[name]) for name in sorted(sources)]
    columns = MONITOR_TELEMETRY.names()
    return pl.concat([part.select(columns).cast(MONITOR_TELEMETRY) for part in parts]).sort(
        "ts", maintain_order=True
    )
