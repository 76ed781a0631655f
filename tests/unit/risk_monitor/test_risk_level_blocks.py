"""The block path (rule_blocks, signal_rows) gives exactly the frame path's levels, states, alerts
and signal order, whatever order the rule emits its rows in (ts ascending within each subject,
as RULE_SIGNAL requires), and the frame path still serves rows that have no block layout."""

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from risk_monitor.alerts import owned_alert_events
from risk_monitor.levels import LEVELLED, RULE_SIGNAL, LevelLimits, apply_levels
from risk_monitor.point_in_time import evaluation_grid
from risk_monitor.rule_blocks import SignalBlock, _held_between, level_blocks
from risk_monitor.schemas import SIGNALS
from risk_monitor.signal_rows import RuleRows, signals_table

GRID = evaluation_grid(
    datetime(2024, 3, 4, tzinfo=UTC), datetime(2024, 3, 4, 0, 3, tzinfo=UTC), timedelta(seconds=1)
)
TIMES = GRID["ts"].dt.epoch("us").to_numpy()
LIMITS = LevelLimits(warning=1.0, breach=2.0, clear_ratio=0.7)


def _signal(seed: int, subjects: list[str], *, overrides: bool) -> pl.DataFrame:
    """Values wandering across both levels and their clear levels, with nulls, disarmed
    stretches and (optionally) per-subject levels."""
    rng = np.random.default_rng(seed)
    rows = GRID.join(pl.DataFrame({"subject": subjects}), how="cross")
    n = rows.height
    # around each level and its clear level (0.7 and 1.4), and on them
    value = rng.choice([0.3, 0.7, 0.8, 1.0, 1.2, 1.4, 1.8, 2.0, 2.5], n)
    signal = rows.with_columns(
        account_id=pl.when(pl.col("subject") != subjects[0]).then(pl.col("subject")),
        value=pl.Series(value).set(pl.Series(rng.random(n) < 0.05), None),
        armed=pl.Series(rng.random(n) > 0.1),
    )
    if overrides:
        levels = {s: (0.5 + i, 1.5 + i) for i, s in enumerate(subjects[1:])}
        signal = signal.with_columns(
            warning_level=pl.col("subject").replace_strict(
                {s: w for s, (w, _) in levels.items()}, default=None, return_dtype=pl.Float64
            ),
            breach_level=pl.col("subject").replace_strict(
                {s: b for s, (_, b) in levels.items()}, default=None, return_dtype=pl.Float64
            ),
        )
    return signal.cast(RULE_SIGNAL)


@pytest.mark.parametrize("order", ["time", "subject", "unsorted"])
@pytest.mark.parametrize("overrides", [False, True])
def test_blocks_equal_the_levelled_frame(order: str, overrides: bool) -> None:
    signal = _signal(7, ["c", "a:1", "b", "a"], overrides=overrides)  # "unsorted": as emitted
    if order == "time":
        signal = signal.sort("ts", "subject")
    elif order == "subject":
        signal = signal.sort("subject", "ts")
    frame = apply_levels(signal, "r", LIMITS).cast(LEVELLED)
    blocks = level_blocks("r", signal, LIMITS, TIMES)
    assert blocks is not None
    assert blocks[1].height > 20  # the values do cross the levels
    assert blocks[1].equals(owned_alert_events(frame))
    expected = frame.select(SIGNALS.names()).cast(SIGNALS).sort("ts", "rule", "subject")
    assert signals_table([blocks[0]], GRID).signals.equals(expected)


def test_rows_without_a_block_layout_are_levelled_as_a_frame() -> None:
    full = _signal(8, ["x", "y"], overrides=False)
    gappy = full.filter(pl.int_range(pl.len()) % 7 != 3)
    assert level_blocks("g", gappy, LIMITS, TIMES) is None
    levelled = apply_levels(gappy, "g", LIMITS).cast(LEVELLED)
    blocks = level_blocks("f", full, LIMITS, TIMES)
    assert blocks is not None
    table = signals_table([RuleRows.encode("g", levelled), blocks[0]], GRID)
    expected = pl.concat(
        [
            levelled.select(SIGNALS.names()),
            apply_levels(full, "f", LIMITS).select(SIGNALS.names()),
        ]
    ).cast(SIGNALS)
    assert table.signals.equals(expected.sort("ts", "rule", "subject"))
    assert table.rows_per_time["g"].sum() == gappy.height
    assert (table.rows_per_time["f"] == 2).all()


def _block(seed: int, subjects: tuple[str, ...]) -> SignalBlock:
    rng = np.random.default_rng(seed)
    shape = (GRID.height, len(subjects))
    return SignalBlock(
        subjects,
        tuple(None if i == 0 else s for i, s in enumerate(subjects)),
        rng.choice([0.3, 0.7, 0.8, 1.0, 1.2, 1.4, 1.8, 2.0, 2.5], shape),
        rng.random(shape) > 0.05,
        rng.random(shape) > 0.1,
        warning_level=(None, 0.5, None, 1.5)[: len(subjects)],
        breach_level=(None, 1.5, 1.8, None)[: len(subjects)],
    )


def test_a_signal_block_levels_as_its_frame() -> None:
    block = _block(9, ("c", "a:1", "b", "a"))
    frame = block.frame(GRID)
    levelled = apply_levels(frame, "r", LIMITS).cast(LEVELLED)
    blocks = level_blocks("r", block, LIMITS, TIMES)
    assert blocks is not None
    assert blocks[1].height > 20
    assert blocks[1].equals(owned_alert_events(levelled))
    expected = levelled.select(SIGNALS.names()).cast(SIGNALS).sort("ts", "rule", "subject")
    assert signals_table([blocks[0]], GRID).signals.equals(expected)


def test_a_signal_block_with_a_repeated_subject_has_no_blocks() -> None:
    assert level_blocks("r", _block(9, ("a", "b", "a")), LIMITS, TIMES) is None


def _held_reference(on: np.ndarray, off: np.ndarray) -> np.ndarray:
    held = np.zeros(on.shape, dtype=bool)
    for column in range(on.shape[1]):
        state = False
        for time in range(on.shape[0]):
            state = True if on[time, column] else False if off[time, column] else state
            held[time, column] = state
    return held


@pytest.mark.parametrize("seed", range(40))
def test_a_level_is_held_between_on_and_off_in_columns_reached_late_or_never(seed: int) -> None:
    rng = np.random.default_rng(seed)
    times, columns = int(rng.integers(0, 30)), int(rng.integers(0, 5))
    reached = rng.random(columns) < 0.5  # the other columns are never on
    on = (rng.random((times, columns)) < 0.15) & reached
    on[: int(rng.integers(0, times + 1))] = False  # nothing on before some time
    off = rng.random((times, columns)) < rng.random()

    assert np.array_equal(_held_between(on, lambda: off), _held_reference(on, off))
