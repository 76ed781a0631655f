"""The run's sampling grid and the three ways a table becomes samples on it.

Prometheus forgets a series 5 minutes after its last sample, so anything that holds a value
(a status, a verdict, a counter) is re-stated at every grid step, not only when it changes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

UTC_US = pl.Datetime("us", "UTC")
TS = "ts"
VALUE = "value"


@dataclass(frozen=True)
class Grid:
    """Sample times from the run's start to its end, every `step`, on the replay's own clock."""

    start: datetime
    end: datetime
    step: timedelta

    @property
    def every(self) -> str:
        return f"{int(self.step.total_seconds() * 1_000_000)}us"

    def times(self) -> pl.DataFrame:
        first = self.bucket(pl.lit(self.start, UTC_US))
        frame = pl.select(
            pl.datetime_range(first, pl.lit(self.end, UTC_US), self.every, closed="both")
            .dt.cast_time_unit("us")
            .alias(TS)
        )
        return frame

    def bucket(self, column: pl.Expr) -> pl.Expr:
        """The grid point a time falls on: its step, truncated."""
        return column.dt.truncate(self.every)


def held(
    grid: Grid, events: pl.DataFrame, keys: list[str], *, default: float | None = None
) -> pl.DataFrame:
    """At every grid time, the value of the latest event at or before it, per key.

    `default` fills the times before a key's first event; None drops them instead.
    """
    if events.is_empty():
        return empty(keys)
    points = events.select(*keys).unique().join(grid.times(), how="cross")
    at = events.select(*keys, grid.bucket(pl.col(TS)).alias(TS), VALUE).sort(TS)
    at = at.group_by(*keys, TS, maintain_order=True).last().sort(*keys, TS)
    joined = points.sort(*keys, TS).join_asof(
        at, on=TS, by=keys, strategy="backward", check_sortedness=False
    )
    if default is None:
        return joined.drop_nulls(VALUE)
    return joined.with_columns(pl.col(VALUE).fill_null(default))


def worst(grid: Grid, rows: pl.DataFrame, keys: list[str], how: str = "max") -> pl.DataFrame:
    """Per key and grid step, the max (or min) of the rows in that step: a breach lasting one
    second still shows at a one-minute step."""
    if rows.is_empty():
        return empty(keys)
    agg = pl.col(VALUE).max() if how == "max" else pl.col(VALUE).min()
    bucketed = rows.with_columns(grid.bucket(pl.col(TS)).alias(TS))
    return bucketed.group_by(*keys, TS).agg(agg).drop_nulls(VALUE)


def constant(grid: Grid, rows: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """A run's verdict, stated at every grid time so any instant of the run shows it."""
    if rows.is_empty():
        return empty(keys)
    return rows.select(*keys, VALUE).join(grid.times(), how="cross")


def from_time_on(grid: Grid, rows: pl.DataFrame, keys: list[str], since: str) -> pl.DataFrame:
    """`value` at every grid time from the step of `since` on (nothing where `since` is null)."""
    rows = rows.filter(pl.col(since).is_not_null())
    if rows.is_empty():
        return empty(keys)
    crossed = rows.select(*keys, VALUE, grid.bucket(pl.col(since)).alias("_since"))
    crossed = crossed.join(grid.times(), how="cross")
    return crossed.filter(pl.col(TS) >= pl.col("_since")).select(*keys, TS, VALUE)


def empty(keys: list[str]) -> pl.DataFrame:
    return pl.DataFrame(schema={**{k: pl.String() for k in keys}, TS: UTC_US, VALUE: pl.Float64()})
