"""Where each rule × subject series of risk.signals changed level, found on integer codes.

Millions of rows, a few hundred series and a handful of changes: the search runs on one small
integer per row for its level, and the series are told apart without hashing a string per row
when the monitor wrote its usual layout (every tick lists the same series in the same order).
"""

import numpy as np
import polars as pl
from numpy.typing import NDArray

LEVEL_RANK = {"ok": 0, "warning": 1, "breach": 2}
NO_LEVEL = -1  # no_data (skipped), or no level before: "none"
OK = LEVEL_RANK["ok"]
KEYS = ("rule", "subject")

Rows = NDArray[np.int64]
Levels = NDArray[np.int8]


def level_codes(frame: pl.DataFrame) -> Levels:
    """Each row's state as its LEVEL_RANK, NO_LEVEL for no_data and anything else."""
    codes: Levels = frame.select(_level_code()).to_series().to_numpy()
    return codes


def changed_levels(in_time: pl.DataFrame) -> tuple[Rows, Levels]:
    """(row positions in ascending order, the level each of those rows left): the rows whose level
    differs from the previous row of the same rule × subject that has a level; a series' first
    level counts when it is not ok. `in_time` is sorted by ts."""
    period = _first_tick(in_time)
    if period is None:
        return _sorted(_series_code(in_time), level_codes(in_time))
    # the levels and the layout's check in one query: a sixth cheaper than two
    checked = (
        in_time.lazy()
        .select(_level_code().alias("level"), *_repeats(period, in_time.height))
        .collect()
    )
    level: Levels = checked.get_column("level").to_numpy()
    if all(checked.row(0)[1:]):
        return _periodic(level, period)
    return _sorted(_series_code(in_time), level)


def series_period(frame: pl.DataFrame) -> int | None:
    """The rows of one tick, when row i's series is exactly that of row i - period throughout and
    the first tick names each series once: then row i belongs to series i mod period."""
    period = _first_tick(frame)
    if period is None:
        return None
    repeats = frame.select(_repeats(period, frame.height)).row(0)
    return period if all(repeats) else None


def _level_code() -> pl.Expr:
    # Comparing with three literals is a quarter of the cost of casting every string to an enum.
    state, code = pl.col("state"), pl.lit(NO_LEVEL)
    for level, rank in reversed(LEVEL_RANK.items()):
        code = pl.when(state == level).then(rank).otherwise(code)
    return code.cast(pl.Int8)


def _first_tick(frame: pl.DataFrame) -> int | None:
    """The rows of the first tick, when they name each series once and the rows are whole ticks
    of that many; whether every tick repeats it is `_repeats`' to say."""
    n, ts = frame.height, frame.get_column("ts")
    if n == 0 or ts.null_count():
        return None
    period = int(ts.search_sorted(ts[0], side="right"))
    if n % period or frame.head(period).select(KEYS).is_duplicated().any():
        return None
    return period


def _repeats(period: int, n: int) -> list[pl.Expr]:
    """Per key: is row i's value that of row i - period throughout?"""
    return [
        pl.col(key).slice(period).eq_missing(pl.col(key).slice(0, n - period)).all().alias(key)
        for key in KEYS
    ]


def _periodic(level: Levels, period: int) -> tuple[Rows, Levels]:
    """Row i's series is row i - period's: its previous row is one tick back in the flat array,
    so only the rows whose code differs from that row's can change level (a handful, and the
    edges of no_data gaps); a row after a gap left the level its series had before the gap, the
    `before` of the gap's first row, which is that series' previous such row."""
    before = np.empty_like(level)
    before[:period] = NO_LEVEL
    before[period:] = level[:-period]
    rows = np.flatnonzero(level != before)
    now, was = level[rows], before[rows]
    by_series = np.argsort(rows % period, kind="stable")  # each series' rows in time order
    series = (rows % period)[by_series]
    carried = np.full(len(rows), NO_LEVEL, dtype=np.int8)
    same = series[1:] == series[:-1]
    carried[by_series[1:][same]] = was[by_series[:-1][same]]
    left = np.where(was == NO_LEVEL, carried, was)
    changed = _changes(now, left)
    return rows[changed].astype(np.int64), left[changed]


def _sorted(series: NDArray[np.integer], level: Levels) -> tuple[Rows, Levels]:
    """Any layout: a stable sort groups each series' rows in time order (on 16-bit keys, a radix
    sort), after dropping the rows without a level."""
    kept = np.flatnonzero(level != NO_LEVEL)
    order = kept[np.argsort(series[kept], kind="stable")]
    keys, levels = series[order], level[order]
    before = np.full(len(order), NO_LEVEL, dtype=np.int8)
    before[1:] = levels[:-1]
    before[1:][keys[1:] != keys[:-1]] = NO_LEVEL
    changed = np.flatnonzero(_changes(levels, before))
    rows = order[changed]
    back = np.argsort(rows, kind="stable")
    return rows[back], before[changed][back]


def _changes(levels: Levels, before: Levels) -> NDArray[np.bool_]:
    moved = np.where(before == NO_LEVEL, levels != OK, levels != before)
    changes: NDArray[np.bool_] = (levels != NO_LEVEL) & moved
    return changes


def _series_code(frame: pl.DataFrame) -> NDArray[np.integer]:
    """One integer per rule × subject, their enum ranks folded; 16 bits whenever they fit."""
    rules = sorted(frame.get_column("rule").unique().to_list())
    subjects = sorted(frame.get_column("subject").unique().to_list())
    rule = pl.col("rule").cast(pl.Enum(rules)).to_physical().cast(pl.Int64)
    subject = pl.col("subject").cast(pl.Enum(subjects)).to_physical().cast(pl.Int64)
    width = pl.UInt16 if len(rules) * len(subjects) <= 1 << 16 else pl.Int64
    code: NDArray[np.integer] = (
        frame.select((rule * len(subjects) + subject).cast(width)).to_series().to_numpy()
    )
    return code
