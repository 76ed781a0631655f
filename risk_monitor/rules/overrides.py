"""Per-subject levels: limits files may set levels per asset, per account, per pair or per source.

A rule adds them to its signal as the optional LEVEL_OVERRIDES columns (see `levels.py`). Where
several overrides apply to one row (an account limit and an asset limit on a position), the lower
level wins, level by level: each override is a ceiling someone set, and every ceiling must hold.
Since each override has warning <= breach, the lower ones keep that order too.
"""

from collections.abc import Mapping

import polars as pl

from risk_monitor.levels import Levels


def _override(key: pl.Expr, overrides: Mapping[str, Levels], level: str) -> pl.Expr:
    mapping = {name: getattr(levels, level) for name, levels in overrides.items()}
    return key.replace_strict(mapping, default=None, return_dtype=pl.Float64)


def with_overrides(
    signal: pl.DataFrame, *keyed: tuple[pl.Expr, Mapping[str, Levels]]
) -> pl.DataFrame:
    """`signal` plus warning_level and breach_level: the lowest override whose key (an
    expression over `signal`, e.g. pl.col("asset")) matches the row, null where none does."""
    return signal.with_columns(
        **{
            f"{level}_level": pl.min_horizontal(
                pl.lit(None, pl.Float64),
                *(_override(key, overrides, level) for key, overrides in keyed),
            )
            for level in ("warning", "breach")
        }
    )
