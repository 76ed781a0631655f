"""Point-in-time views: at each evaluation time, only what had been published by then.

This is the monitor's no-look-ahead guarantee. At evaluation time t a row counts only if
`available_at <= t`, and for each key the newest such row is used. Each view is one backward as-of
join on `available_at`, by key, vectorised over the whole evaluation grid.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from risk_monitor.schemas import UTC_US


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        # a naive time is ambiguous: it would silently shift the grid by the host's UTC offset
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def evaluation_grid(start: datetime, end: datetime, interval: timedelta) -> pl.DataFrame:
    """The evaluation times start, start + interval, ... <= end, as a one-column frame `ts`."""
    start, end = _as_utc(start, "start"), _as_utc(end, "end")
    if end < start:
        raise ValueError(f"end ({end.isoformat()}) is before start ({start.isoformat()})")
    times = pl.datetime_range(
        start, end, interval, closed="both", time_unit="us", time_zone="UTC", eager=True
    )
    return pl.DataFrame({"ts": times.cast(UTC_US)})


def publications(rows: pl.DataFrame, keys: Sequence[str], values: Sequence[str]) -> pl.DataFrame:
    """Per key, the rows worth using from the moment they were published: (*keys, available_at,
    *values), sorted by available_at.

    Of the rows visible at any time, the one used is the newest event (largest ts); a tie goes to
    the later publication, then to the larger value, so input row order never matters.
    """
    ts, available_at = pl.col("ts"), pl.col("available_at")
    # a row published after a newer event for the same key is already stale on arrival: it must
    # not replace the newer one (a late correction of the same ts still applies)
    newest_so_far = ts == ts.cum_max().over(keys)
    # of several rows published at the same instant, the newest event (sorted last) wins
    last_at_its_instant = (available_at != available_at.shift(-1).over(keys)).fill_null(True)
    return (
        # sorting on time and values (not keys: every step below is per key) fixes the order
        rows.sort("available_at", "ts", *values)
        .lazy()
        .filter(newest_so_far)
        .filter(last_at_its_instant)
        .select(*keys, "available_at", *values)
        .collect()
    )


def published_steps(
    available_at: np.ndarray, ts: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`publications` of one key's rows as arrays: (available_at ascending, value) of the rows
    worth using from the moment they were published, by the same choice."""
    if not available_at.size:
        return available_at, values
    if not _lexsorted(available_at, ts, values):  # rows as an API publishes them already are
        order = np.lexsort((values, ts, available_at))
        available_at, ts, values = available_at[order], ts[order], values[order]
    newest_so_far = ts == np.maximum.accumulate(ts) if ts.size else ts == ts
    available_at, values = available_at[newest_so_far], values[newest_so_far]
    last_at_its_instant = np.append(available_at[1:] != available_at[:-1], True)
    return available_at[last_at_its_instant], values[last_at_its_instant]


def _lexsorted(*keys: np.ndarray) -> bool:
    """Whether rows are in ascending order of `keys`, the first deciding (the order
    `np.lexsort` of the keys reversed gives, which leaves such rows where they are)."""
    ascending = np.ones(max(keys[0].size - 1, 0), dtype=bool)
    for key in reversed(keys):
        before, after = key[:-1], key[1:]
        ascending = (before < after) | ((before == after) & ascending)
    return bool(ascending.all())


def as_of(frame: pl.DataFrame, published: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """`frame` (ts ascending within each key) plus the values of the newest publication with
    `available_at <= ts` for its key; null where none was visible yet."""
    return frame.join_asof(
        published,
        left_on="ts",
        right_on="available_at",
        by=list(keys),
        strategy="backward",
        # both sides are sorted as documented; polars cannot verify sortedness with `by` groups
        check_sortedness=False,
    ).drop("available_at")


def age_seconds(since: pl.Expr) -> pl.Expr:
    """Seconds from `since` to the evaluation time `ts` (Float64, null where `since` is)."""
    return (pl.col("ts") - since).dt.total_microseconds() / 1_000_000
