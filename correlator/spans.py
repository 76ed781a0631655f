"""Events as spans: deterministic ids, and the order events of the same instant are listed in."""

import hashlib
from typing import Any

import polars as pl

EVENT_ORDER = (
    "scenario",
    "market_window",
    "injection_start",
    "chaos_start",
    "condition_material",
    "signal_warning",
    "signal_breach",
    "signal_ok",
    "alert_raised",
    "alert_cleared",
    "chaos_end",
    "injection_end",
    "verdict",
)
SCENARIO_TRACE = "scenario"


def digest(length: int, *parts: str) -> str:
    """Deterministic hex id: the same run always yields the same trace and span ids."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


class Spans:
    """Collects timeline rows; `add` returns the new span's id for its children to point at."""

    def __init__(self, scenario_id: str) -> None:
        self.scenario_id = scenario_id
        self.rows: list[dict[str, Any]] = []

    def add(self, trace: str, key: str, parent: str | None, **event: Any) -> str:
        span_id = digest(16, self.scenario_id, "span", key)
        event.setdefault("end_ts", event["ts"])
        self.rows.append(
            {
                **event,
                "trace_id": digest(32, self.scenario_id, "trace", trace),
                "span_id": span_id,
                "parent_span_id": parent,
            }
        )
        return span_id


def ordered(frame: pl.DataFrame) -> pl.DataFrame:
    rank = {event: i for i, event in enumerate(EVENT_ORDER)}
    order = pl.col("event").replace_strict(rank, default=len(rank), return_dtype=pl.Int64)
    return frame.sort(
        [pl.col("ts"), order, pl.col("subject"), pl.col("rule"), pl.col("span_id")],
        nulls_last=True,
    )
