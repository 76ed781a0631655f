"""risk.signals in full-key order (ts, rule, subject), assembled from each rule's rows as codes.

Millions of rows share a few dozen rule and subject names and four states. Each rule's rows are
kept as integer codes (its subjects ranked like the strings) until the end; the names are then
written once, in output order, from a small table of them. Every rule has one row per
evaluation time × subject, so the output is a time × (rule, subject) matrix read row by row, and
each rule fills a block of its columns: no sort. Should a rule's rows be off the grid, missing
or repeated, every row is sorted on the full key instead.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from risk_monitor.rule_blocks import RuleBlocks, grid_index
from risk_monitor.schemas import SIGNALS, STATES

FLOATS = ("value", "warning_level", "breach_level")
_BAND = 1024  # rows of the signal matrices written at a time


@dataclass(frozen=True, eq=False)
class RuleRows:
    """One rule's signal rows as a frame (a rule without a block layout): ts (µs since the
    epoch), subject (rank in `subjects`), the levels, state (rank in STATES)."""

    rule: str
    subjects: tuple[str, ...]
    rows: pl.DataFrame

    @classmethod
    def encode(cls, rule: str, levelled: pl.DataFrame) -> "RuleRows":
        """From a LEVELLED frame of `rule`."""
        subjects = tuple(sorted(levelled["subject"].unique().to_list()))
        rows = levelled.select(
            pl.col("ts").dt.epoch("us"),
            pl.col("subject").cast(pl.Enum(subjects)).to_physical().cast(pl.Int64),
            *FLOATS,
            pl.col("state").cast(pl.Enum(STATES)).to_physical().cast(pl.UInt32),
        )
        return cls(rule, subjects, rows)

    @classmethod
    def of_blocks(cls, blocks: RuleBlocks, times: np.ndarray) -> "RuleRows":
        """The rows of `blocks`, time by time."""
        width = len(blocks.subjects)
        value = pl.Series("value", blocks.value.reshape(-1))
        known = pl.Series(blocks.value_known.reshape(-1))
        rows = pl.DataFrame(
            {
                "ts": np.repeat(times, width),
                "subject": np.tile(np.arange(width, dtype=np.int64), times.size),
                "value": pl.select(pl.when(known).then(value)).to_series(),
                "warning_level": blocks.warning_level.reshape(-1),
                "breach_level": blocks.breach_level.reshape(-1),
                "state": blocks.state.reshape(-1).astype(np.uint32),
            }
        )
        return cls(blocks.rule, blocks.subjects, rows)


@dataclass(frozen=True, eq=False)
class SignalTable:
    """risk.signals, and how many rows each rule has at each evaluation time."""

    signals: pl.DataFrame
    rows_per_time: dict[str, np.ndarray]


def rows_per_time(
    parts: Sequence[RuleBlocks | RuleRows], grid: pl.DataFrame
) -> dict[str, np.ndarray]:
    """Per rule, its signal rows at each grid time (as `signals_table` has them)."""
    times = grid["ts"].dt.epoch("us").to_numpy()
    counts = {}
    for part in parts:
        if isinstance(part, RuleBlocks):
            counts[part.rule] = np.full(times.size, len(part.subjects))
        else:
            at = grid_index(times, part.rows["ts"].to_numpy())
            counts[part.rule] = np.bincount(at[at >= 0], minlength=times.size)
    return counts


def signals_table(parts: Sequence[RuleBlocks | RuleRows], grid: pl.DataFrame) -> SignalTable:
    """SIGNALS of every rule's rows sorted on (ts, rule, subject), and per rule its row count
    at each grid time."""
    return SignalTable(signals(parts, grid), rows_per_time(parts, grid))


def signals(parts: Sequence[RuleBlocks | RuleRows], grid: pl.DataFrame) -> pl.DataFrame:
    """SIGNALS of every rule's rows sorted on (ts, rule, subject)."""
    times = grid["ts"].dt.epoch("us").to_numpy()
    ranked = sorted(parts, key=lambda part: part.rule)
    combo_rule = [part.rule for part in ranked for _ in part.subjects]
    combo_subject = [subject for part in ranked for subject in part.subjects]
    blocks = [part for part in ranked if isinstance(part, RuleBlocks)]
    if len(blocks) == len(ranked):
        return _from_blocks(blocks, times, combo_rule, combo_subject)
    rows = [
        part if isinstance(part, RuleRows) else RuleRows.of_blocks(part, times) for part in parts
    ]
    return _sorted(rows, combo_rule, combo_subject)


def _names(names: Sequence[str], codes: np.ndarray) -> pl.Series:
    return _categories(names).gather(pl.Series(codes, dtype=pl.UInt32))


def _categories(names: Sequence[str]) -> pl.Series:
    return pl.Series(names, dtype=pl.Categorical)


def _interleaved(blocks: Sequence[np.ndarray], times: int, dtype: type) -> np.ndarray:
    """The blocks (time × its columns each) side by side, read row by row: cell (t, column)
    of the time × every column matrix at t × columns + column."""
    if not times or not blocks:
        return np.zeros(times * sum(block.shape[1] for block in blocks), dtype=dtype)
    if all(_constant_in_time(block) for block in blocks):
        return np.tile(np.concatenate([block[0] for block in blocks]).astype(dtype), times)
    # a block of a few columns copied into the matrix at once is a short copy per row: band by
    # band of rows instead, so each band of the matrix is written while it is in cache
    matrix = np.empty((times, sum(block.shape[1] for block in blocks)), dtype=dtype)
    for top in range(0, times, _BAND):
        start = 0
        for block in blocks:
            width = block.shape[1]
            matrix[top : top + _BAND, start : start + width] = block[top : top + _BAND]
            start += width
    return matrix.reshape(-1)


def _constant_in_time(block: np.ndarray) -> bool:
    """Whether every row of `block` (time × column) is its first (a level, as a rule's
    per-subject limit is)."""
    return block.strides[0] == 0 or bool((block == block[:1]).all())


def _from_blocks(
    ranked: Sequence[RuleBlocks],
    times: np.ndarray,
    combo_rule: Sequence[str],
    combo_subject: Sequence[str],
) -> pl.DataFrame:
    combos = len(combo_subject)

    def column(name: str, dtype: type) -> np.ndarray:
        return _interleaved([getattr(part, name) for part in ranked], times.size, dtype)

    known = column("value_known", np.bool_)
    value = pl.col("value")
    codes = pl.DataFrame(
        {
            "ts": np.repeat(times, combos),
            "combo": np.tile(np.arange(combos, dtype=np.uint32), times.size),
            "value": column("value", np.float64),
            **{name: column(name, np.float64) for name in FLOATS if name != "value"},
            "state": column("state", np.uint8),
            "known": known,
        }
    )
    del known
    # every name column is a gather from a few names: one select computes them in parallel
    return codes.select(
        pl.col("ts").cast(pl.Datetime("us", "UTC")),
        rule=pl.lit(_categories(combo_rule)).gather("combo"),
        subject=pl.lit(_categories(combo_subject)).gather("combo"),
        value=value if codes["known"].all() else pl.when("known").then(value),
        warning_level="warning_level",
        breach_level="breach_level",
        state=pl.lit(pl.Series(STATES, dtype=SIGNALS["state"])).gather("state"),
    ).cast(SIGNALS)


def _sorted(
    parts: Sequence[RuleRows],
    combo_rule: Sequence[str],
    combo_subject: Sequence[str],
) -> pl.DataFrame:
    """Every row sorted on the full key: rows off the grid, missing or repeated."""
    offsets, start = {}, 0
    for part in sorted(parts, key=lambda part: part.rule):
        offsets[part.rule] = start
        start += len(part.subjects)
    # in configured order, as rules are evaluated; the key only orders them
    rows = pl.concat(
        [part.rows.with_columns(combo=pl.col("subject") + offsets[part.rule]) for part in parts]
    )
    if not rows.height:
        return SIGNALS.to_frame()
    order = pl.Series(
        rows.select(pl.arg_sort_by("ts", "combo", maintain_order=True)).to_series().to_numpy()
    )
    combo = rows["combo"].gather(order).to_numpy()
    signals = pl.DataFrame(
        {
            "ts": rows["ts"].gather(order),
            "rule": _names(combo_rule, combo),
            "subject": _names(combo_subject, combo),
            **{name: rows[name].gather(order) for name in FLOATS},
            "state": pl.Series(STATES, dtype=SIGNALS["state"]).gather(rows["state"].gather(order)),
        }
    ).with_columns(pl.col("ts").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"))
    return signals.cast(SIGNALS)
