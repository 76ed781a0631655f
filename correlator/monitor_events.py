"""The monitor's observable events: its signal changing level, and its alerts."""

import polars as pl

from scenarios import SEVERITY_RANK

LEVEL_RANK = {"ok": 0, "warning": 1, "breach": 2}


def signal_changes(signals: pl.DataFrame) -> pl.DataFrame:
    """ts, rule, subject, previous, state, value, warning_level, breach_level: each time a rule ×
    subject's state changed level. A first state other than ok counts as a change from none.

    `no_data` rows are skipped: a gap in the monitor's inputs is not a change of its verdict.
    """
    # A window over (rule, subject) keeps each group's row order, so time order is all the
    # shift needs: no sort of millions of rows by their string keys. The window is keyed by one
    # integer per (rule, subject), their enum ranks folded, cheaper to hash than two strings.
    previous = pl.col("state").shift(1).over(_group_code(signals))
    # risk.signals arrives in time order; checking that is far cheaper than sorting it again
    in_time = signals if signals["ts"].is_sorted() else signals.sort("ts", maintain_order=True)
    return (
        in_time.filter(pl.col("state").is_in(list(LEVEL_RANK)))
        .select("ts", "rule", "subject", "state", "value", "warning_level", "breach_level")
        .with_columns(previous=previous)
        .filter(
            pl.when(pl.col("previous").is_null())
            .then(pl.col("state") != "ok")
            .otherwise(pl.col("state") != pl.col("previous"))
        )
        .select(
            "ts",
            "rule",
            "subject",
            pl.col("previous").fill_null("none"),
            "state",
            "value",
            "warning_level",
            "breach_level",
        )
        .sort("ts", "rule", "subject", maintain_order=True)
    )


def _group_code(signals: pl.DataFrame) -> pl.Expr:
    rules = sorted(signals["rule"].unique().to_list())
    subjects = sorted(signals["subject"].unique().to_list())
    rule = pl.col("rule").cast(pl.Enum(rules)).to_physical().cast(pl.Int64)
    subject = pl.col("subject").cast(pl.Enum(subjects)).to_physical().cast(pl.Int64)
    return rule * len(subjects) + subject


def rising(changes: pl.DataFrame) -> pl.DataFrame:
    """The changes that raise a level (ok→warning, warning→breach, ok→breach, none→…)."""
    rank = pl.col("state").replace_strict(LEVEL_RANK, default=-1, return_dtype=pl.Int64)
    before = pl.col("previous").replace_strict(LEVEL_RANK, default=-1, return_dtype=pl.Int64)
    return changes.filter(rank > before)


def severity_rank() -> pl.Expr:
    """The alert's severity on the scenario scale; unknown severities rank as null."""
    return pl.col("severity").replace_strict(SEVERITY_RANK, default=None, return_dtype=pl.Int64)
