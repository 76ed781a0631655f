"""risk.monitor_telemetry: how fresh the monitor's inputs were and how much each rule evaluated.

Deterministic by design, so the table is reproducible like every other output: per evaluation
time and prod source, the age of the newest visible row (`data_age_s`) and the rows visible
(`visible_rows`); per evaluation time and configured rule, the signal rows it produced
(`rows_evaluated`, its subjects). How long an evaluation took on the wall clock depends on the
machine, so the caller measures it (around `evaluate`) and exports it next to these.
"""

from collections.abc import Mapping

import numpy as np
import polars as pl

from risk_monitor.dense import age_seconds, grid_times, newest_visible
from risk_monitor.schemas import MONITOR_TELEMETRY

SOURCE_METRICS = ("data_age_s", "visible_rows")


def _source(grid: pl.DataFrame, rows: pl.DataFrame) -> dict[str, pl.Series]:
    """data_age_s and visible_rows of one source at each grid time."""
    times = grid_times(grid)
    newest, visible = newest_visible(
        times, rows["available_at"].dt.epoch("us").to_numpy(), rows["ts"].dt.epoch("us").to_numpy()
    )
    age = pl.Series(age_seconds(times, newest))  # over the grid, as the frame it replaces
    return {
        "data_age_s": pl.select(pl.when(pl.Series(visible > 0)).then(age)).to_series(),
        "visible_rows": pl.Series(visible.astype(np.float64)),
    }


def monitor_telemetry(
    grid: pl.DataFrame,
    sources: Mapping[str, pl.DataFrame],
    rows_per_time: Mapping[str, np.ndarray],
) -> pl.DataFrame:
    """MONITOR_TELEMETRY over the evaluation `grid`, for the prod `sources` (table name → checked
    rows) and the configured rules (name → its signal rows at each grid time), sorted on full
    key."""
    # every gauge has a value at every time: gauges in (component, name, metric) order, then
    # interleaved time by time, is the full-key order with no sort
    gauges: list[tuple[str, str, str, pl.Series]] = [
        ("rule", rule, "rows_evaluated", pl.Series(rows_per_time[rule], dtype=pl.Float64))
        for rule in sorted(rows_per_time)
    ]
    for name in sorted(sources):
        metrics = _source(grid, sources[name])
        gauges += [("source", name, metric, metrics[metric]) for metric in SOURCE_METRICS]
    times, count = grid.height, len(gauges)
    if not count:
        return MONITOR_TELEMETRY.to_frame()
    # the gauges side by side (time × gauge), read row by row; filled gauge by gauge (a
    # contiguous row each) and transposed once, as a column by column fill streams the whole
    # matrix through the cache per gauge
    values = np.empty((count, times))
    known = np.empty((count, times), dtype=bool)
    for i, (*_, series) in enumerate(gauges):
        values[i] = series.fill_null(0.0).to_numpy()
        known[i] = series.is_not_null().to_numpy()
    codes = pl.DataFrame(
        {
            "ts": np.repeat(grid_times(grid), count),
            "gauge": np.tile(np.arange(count, dtype=np.uint32), times),
            "value": values.T.reshape(-1),
            "known": known.T.reshape(-1),
        }
    )
    del values, known
    value = pl.col("value")
    # the names are gathers from a few strings: one select computes them in parallel
    return codes.select(
        pl.col("ts").cast(pl.Datetime("us", "UTC")),
        **{
            column: pl.lit(pl.Series([gauge[i] for gauge in gauges], dtype=pl.String)).gather(
                "gauge"
            )
            for i, column in enumerate(("component", "name", "metric"))
        },
        value=value if codes["known"].all() else pl.when("known").then(value),
    ).cast(MONITOR_TELEMETRY)
