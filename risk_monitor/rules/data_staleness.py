"""data_staleness: how old the newest data each source has shown is, in seconds.

value(t) = t − ts of the newest visible row of the source, per subject "<source>:<key>":
`market_ticks:<pair>` per published pair and `account_balances:<venue>` per polled venue. A feed
that stops keeps its last row, so its age grows until the levels fire: a stopped feed is an
alert in itself. Null before the source's first row is visible (nothing to be stale yet).
Levels are durations; `per_source` sets them for one source (balances are polled, not streamed).
"""

from collections.abc import Mapping
from types import MappingProxyType

import polars as pl
from pydantic import Field, field_validator

from risk_monitor.levels import RULE_SIGNAL, DurationLevelLimits, DurationLevels
from risk_monitor.point_in_time import age_seconds, latest_visible
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.overrides import with_overrides

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


def _source_ages(inputs: RuleInputs, source: str, key: str) -> pl.DataFrame:
    rows = getattr(inputs, source).select("ts", "available_at", key, newest=pl.col("ts"))
    newest = latest_visible(rows, inputs.grid, [key], ["newest"])
    return newest.select(
        "ts",
        subject=pl.concat_str(pl.lit(f"{source}:"), pl.col(key)),
        account_id=pl.lit(None, pl.String),  # a feed serves every mandate
        value=age_seconds(pl.col("newest")),
        armed=pl.lit(True),
        source=pl.lit(source),
    )


def data_staleness(inputs: RuleInputs, limits: DataStalenessLimits) -> pl.DataFrame:
    """One row per evaluation time × source feed; RULE_SIGNAL plus per-source levels."""
    ages = pl.concat([_source_ages(inputs, source, key) for source, key in SOURCES.items()])
    return (
        with_overrides(ages, (pl.col("source"), limits.per_source))
        .select(*RULE_SIGNAL.names(), "warning_level", "breach_level")
        .cast(RULE_SIGNAL)
    )
