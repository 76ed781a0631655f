"""risk.signals in full-key order (ts, rule, subject), assembled from each rule's rows as codes.

Millions of rows share a few dozen rule and subject names and four states. Each rule's rows are
kept as integer codes (its subjects ranked like the strings) until the end; the names are then
written once, in output order, from a small table of them. Every rule has one row per
evaluation time × subject, so the output position of a row is known without sorting: time index
× combinations + rank of (rule, subject). Should rows be missing or repeated, the positions are
not a permutation and the rows are sorted on the same key instead.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from risk_monitor.schemas import SIGNALS

STATES = ("breach", "no_data", "ok", "warning")


@dataclass(frozen=True, eq=False)
class RuleRows:
    """One rule's signal rows: ts (µs since epoch), subject (rank in `subjects`), the levels,
    state (rank in STATES)."""

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
            "value",
            "warning_level",
            "breach_level",
            pl.col("state").cast(pl.Enum(STATES)).to_physical().cast(pl.UInt32),
        )
        return cls(rule, subjects, rows)


def _grid_index(times: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Each of `ts`'s index in the sorted grid `times`, -1 where it is no grid time."""
    at = np.searchsorted(times, ts)
    inside = at < times.size
    hit = np.zeros(ts.size, dtype=bool)
    hit[inside] = times[at[inside]] == ts[inside]
    return np.where(hit, at, -1)


def _permutation(key: np.ndarray) -> np.ndarray | None:
    """order such that key[order] is 0, 1, ..., if `key` is a permutation of those, else None."""
    size = key.size
    if size and (key.min() < 0 or key.max() >= size):
        return None
    order = np.full(size, -1, dtype=np.int64)
    order[key] = np.arange(size, dtype=np.int64)
    return None if (order < 0).any() else order


@dataclass(frozen=True, eq=False)
class SignalTable:
    """risk.signals, and how many rows each rule has at each evaluation time."""

    signals: pl.DataFrame
    rows_per_time: dict[str, np.ndarray]


def signals_table(parts: Sequence[RuleRows], grid: pl.DataFrame) -> SignalTable:
    """SIGNALS of every rule's rows sorted on (ts, rule, subject), and per rule its row count
    at each grid time."""
    times = grid["ts"].dt.epoch("us").to_numpy()
    ranked = sorted(part.rule for part in parts)
    offsets: dict[str, int] = {}
    combo_rule: list[str] = []
    combo_subject: list[str] = []
    for rule in ranked:
        part = next(part for part in parts if part.rule == rule)
        offsets[rule] = len(combo_subject)
        combo_rule += [rule] * len(part.subjects)
        combo_subject += part.subjects
    combos = len(combo_subject)
    if not parts or not any(part.rows.height for part in parts):
        empty = {part.rule: np.zeros(times.size, dtype=np.int64) for part in parts}
        return SignalTable(SIGNALS.to_frame(), empty)
    # in configured order, as rules are evaluated; the key only orders them
    rows = pl.concat(
        [part.rows.with_columns(combo=pl.col("subject") + offsets[part.rule]) for part in parts]
    )
    at = _grid_index(times, rows["ts"].to_numpy())
    counts, start = {}, 0
    for part in parts:
        on_grid = at[start : start + part.rows.height]
        counts[part.rule] = np.bincount(on_grid[on_grid >= 0], minlength=times.size)
        start += part.rows.height
    combo = rows["combo"].to_numpy()
    order = None
    if (at >= 0).all() and rows.height == times.size * combos:
        order = _permutation(at * combos + combo)
    if order is None:  # rows off the grid, missing or repeated: sort on the same key
        by_key = pl.arg_sort_by("ts", "combo", maintain_order=True)
        order = rows.select(by_key).to_series().to_numpy()
        ts_out = rows["ts"].gather(pl.Series(order))
    else:
        ts_out = pl.Series(np.repeat(times, combos))
    picked = pl.Series(order)
    combo_out = pl.Series(combo[order].astype(np.uint32))
    signals = pl.DataFrame(
        {
            "ts": ts_out.cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
            "rule": pl.Series(combo_rule, dtype=pl.String).gather(combo_out),
            "subject": pl.Series(combo_subject, dtype=pl.String).gather(combo_out),
            "value": rows["value"].gather(picked),
            "warning_level": rows["warning_level"].gather(picked),
            "breach_level": rows["breach_level"].gather(picked),
            "state": pl.Series(STATES, dtype=pl.String).gather(rows["state"].gather(picked)),
        }
    )
    return SignalTable(signals.cast(SIGNALS), counts)
