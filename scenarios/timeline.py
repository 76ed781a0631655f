"""The injection timeline: what the coordinator injects, where and when (audit.injections)."""

import json
from datetime import timedelta
from typing import Any

import polars as pl

from scenarios.durations import format_duration
from scenarios.loader import ValidScenario

UTC_US = pl.Datetime("us", "UTC")
INJECTIONS = pl.Schema(
    {
        "injection_id": pl.String(),
        "target": pl.String(),
        "kind": pl.String(),
        "start_ts": UTC_US,
        "end_ts": UTC_US,
        "params": pl.String(),
    }
)


def injection_timeline(scenario: ValidScenario) -> pl.DataFrame:
    rows = [
        {
            "injection_id": injection.id,
            "target": injection.target,
            "kind": injection.kind,
            "start_ts": injection.start_ts,
            "end_ts": injection.end_ts(scenario.end),
            "params": json.dumps(injection.params.model_dump(), default=_plain, sort_keys=True),
        }
        for injection in scenario.injections
    ]
    return pl.DataFrame(rows, schema=INJECTIONS).sort("start_ts", "injection_id")


def _plain(value: Any) -> str:
    if isinstance(value, timedelta):
        return format_duration(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
