"""The monitor's observable events: its signal changing level, and its alerts."""

import polars as pl

from correlator.level_changes import LEVEL_RANK, NO_LEVEL, changed_levels
from scenarios import SEVERITY_RANK

LEVEL_NAMES = {NO_LEVEL: "none"} | {rank: level for level, rank in LEVEL_RANK.items()}
COLUMNS = ("ts", "rule", "subject", "state", "value", "warning_level", "breach_level")


def signal_changes(signals: pl.DataFrame) -> pl.DataFrame:
    """ts, rule, subject, previous, state, value, warning_level, breach_level: each time a rule ×
    subject's state changed level. A first state other than ok counts as a change from none.

    `no_data` rows are skipped: a gap in the monitor's inputs is not a change of its verdict.
    """
    # risk.signals arrives in time order; checking that is far cheaper than sorting it again
    in_time = signals if signals["ts"].is_sorted() else signals.sort("ts", maintain_order=True)
    rows, previous = changed_levels(in_time)
    before = pl.Series("previous", previous).replace_strict(LEVEL_NAMES, return_dtype=pl.String)
    return (
        in_time.select(COLUMNS)[pl.Series(rows)]
        # a few rows: as strings, like the alerts and scenario tables they are joined with
        .with_columns(pl.col("rule", "subject", "state").cast(pl.String), before)
        .select("ts", "rule", "subject", "previous", *COLUMNS[3:])
        .sort("ts", "rule", "subject", maintain_order=True)
    )


def rising(changes: pl.DataFrame) -> pl.DataFrame:
    """The changes that raise a level (ok→warning, warning→breach, ok→breach, none→…)."""
    rank = pl.col("state").replace_strict(LEVEL_RANK, default=-1, return_dtype=pl.Int64)
    before = pl.col("previous").replace_strict(LEVEL_RANK, default=-1, return_dtype=pl.Int64)
    return changes.filter(rank > before)


def severity_rank() -> pl.Expr:
    """The alert's severity on the scenario scale; unknown severities rank as null."""
    return pl.col("severity").replace_strict(SEVERITY_RANK, default=None, return_dtype=pl.Int64)
