"""data_staleness: how old the newest data each source has shown is, in seconds.

value(t) = t − ts of the newest visible row of the source, per subject "<source>:<key>":
`market_ticks:<pair>` per published pair and `account_balances:<venue>` per polled venue. A feed
that stops keeps its last row, so its age grows until the levels fire: a stopped feed is an
alert in itself. Null before the source's first row is visible (nothing to be stale yet).
Levels are durations; `per_source` sets them for one source (balances are polled, not streamed).
"""

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import polars as pl
from pydantic import Field, field_validator

from risk_monitor.dense import age_seconds, grid_times, newest_visible
from risk_monitor.levels import DurationLevelLimits, DurationLevels
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs

# source (a RuleInputs table) → the column that splits it into feeds
SOURCES: Mapping[str, str] = MappingProxyType({"market_ticks": "pair", "account_balances": "venue"})


class DataStalenessLimits(DurationLevelLimits):
    """Levels are ages ("30s", "2m"); `per_source` overrides them for market_ticks or
    account_balances."""

    per_source: dict[str, DurationLevels] = Field(default_factory=dict)

    @field_validator("per_source")
    @classmethod
    def _known_sources(cls, per_source: dict[str, DurationLevels]) -> dict[str, DurationLevels]:
        unknown = sorted(set(per_source) - set(SOURCES))
        if unknown:
            raise ValueError(f"unknown source {unknown[0]!r}; known: {', '.join(SOURCES)}")
        return per_source


def data_staleness(inputs: RuleInputs, limits: DataStalenessLimits) -> SignalBlock:
    """Per evaluation time × source feed, with per-source levels."""
    times = grid_times(inputs.grid)
    subjects: list[str] = []
    ages: list[np.ndarray] = []
    seen: list[np.ndarray] = []
    levels: dict[str, list[float | None]] = {"warning": [], "breach": []}
    for source, key in SOURCES.items():
        newest: list[np.ndarray] = []
        for feed, feed_rows in sorted(_feeds(inputs, source, key).items()):
            latest, visible = newest_visible(
                times,
                feed_rows["available_at"].dt.epoch("us").to_numpy(),
                feed_rows["ts"].dt.epoch("us").to_numpy(),
            )
            subjects.append(f"{source}:{feed}")
            newest.append(latest)
            seen.append(visible > 0)  # nothing to be stale before the first row
            override = limits.per_source.get(source)
            for level, values in levels.items():
                values.append(None if override is None else getattr(override, level))
        if newest:  # a source's ages at once, as the frame of its feeds had them
            stacked = np.column_stack(newest)
            since = age_seconds(np.broadcast_to(times[:, None], stacked.shape), stacked)
            ages += list(since.T)
    shape = (times.size, len(subjects))
    return SignalBlock(
        tuple(subjects),
        (None,) * len(subjects),  # a feed serves every mandate
        np.column_stack(ages) if ages else np.zeros(shape),
        np.column_stack(seen) if seen else np.zeros(shape, dtype=bool),
        np.ones(shape, dtype=bool),
        warning_level=tuple(levels["warning"]),
        breach_level=tuple(levels["breach"]),
    )


def _feeds(inputs: RuleInputs, source: str, key: str) -> dict[str, pl.DataFrame]:
    """The source's rows per feed; the ticks as the USD quotes have already split them."""
    if source == "market_ticks":
        return inputs.usd_quotes.by_pair
    rows: pl.DataFrame = getattr(inputs, source)
    return {feed: part for (feed,), part in rows.partition_by(key, as_dict=True).items()}
