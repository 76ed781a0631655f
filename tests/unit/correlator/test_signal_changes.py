"""Signal level changes, in the monitor's tick-by-tick layout and in any other, against the
definition walked row by row."""

import random
from typing import Any

import polars as pl
import pytest

from correlator.level_changes import series_period
from correlator.monitor_events import signal_changes
from risk_monitor.schemas import SIGNALS
from tests.unit.correlator.world import at

SERIES = [("concentration", "bot_arb"), ("concentration", "desk_a"), ("order_rate", "desk_a")]
STATES = ["ok", "ok", "ok", "warning", "breach", "no_data", "stale"]


def monitor_layout(ticks: int, seed: int) -> pl.DataFrame:
    """Every tick lists every series in the same order, as risk.signals does."""
    draw = random.Random(seed)
    rows = [
        {"ts": at(minute), "rule": rule, "subject": subject, "value": draw.random(),
         "warning_level": 0.5, "breach_level": 0.8, "state": draw.choice(STATES)}
        for minute in range(ticks)
        for rule, subject in SERIES
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=SIGNALS)


def walked(signals: pl.DataFrame) -> list[dict[str, Any]]:
    """The definition: per series, in time order, each level that differs from the last one."""
    last: dict[tuple[str, str], str] = {}
    changes = []
    for row in signals.sort("ts", maintain_order=True).iter_rows(named=True):
        if row["state"] not in ("ok", "warning", "breach"):
            continue
        key = (row["rule"], row["subject"])
        previous = last.get(key)
        if (previous is None and row["state"] != "ok") or (previous not in (None, row["state"])):
            changes.append(row | {"previous": previous or "none"})
        last[key] = row["state"]
    return sorted(changes, key=lambda r: (r["ts"], r["rule"], r["subject"]))


def as_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return list(frame.iter_rows(named=True))


@pytest.mark.parametrize("seed", range(4))
def test_the_monitor_layout_gives_the_walked_changes(seed: int) -> None:
    signals = monitor_layout(200, seed)
    assert series_period(signals) == len(SERIES)
    assert as_rows(signals_changes_of(signals)) == walked(signals)


@pytest.mark.parametrize("seed", range(4))
def test_any_layout_gives_the_walked_changes(seed: int) -> None:
    signals = monitor_layout(200, seed)
    shuffled = signals.sample(fraction=1.0, shuffle=True, seed=seed).head(500)
    assert series_period(shuffled.sort("ts", maintain_order=True)) is None
    assert as_rows(signals_changes_of(shuffled)) == walked(shuffled)


def test_a_tick_missing_a_series_falls_back_to_any_layout() -> None:
    signals = monitor_layout(50, 7)
    ragged = signals.filter(~((pl.col("ts") == at(20)) & (pl.col("subject") == "bot_arb")))
    assert series_period(ragged) is None
    assert as_rows(signals_changes_of(ragged)) == walked(ragged)


def test_columns_and_an_empty_frame() -> None:
    empty = signal_changes(pl.DataFrame(schema=SIGNALS))
    assert empty.columns == [
        "ts", "rule", "subject", "previous", "state", "value", "warning_level", "breach_level"
    ]  # fmt: skip
    assert empty.is_empty()


def signals_changes_of(signals: pl.DataFrame) -> pl.DataFrame:
    changes = signal_changes(signals)
    assert changes.schema["previous"] == pl.String
    return changes
