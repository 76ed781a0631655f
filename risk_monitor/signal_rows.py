"""risk.signals in full-key order (ts, rule, subject), assembled from each rule's rows as codes.

Millions of rows share a few dozen rule and subject names and four states. Each rule's rows are
kept as integer codes (its subjects ranked like the strings) until the end; the names are then
written once, in output order, from a small table of them. Every rule has one row per
evaluation time × subject, so the output is a time × (rule, subject) matrix read row by row, and
each rule fills a block of its columns: no sort. Should a rule's rows be off the grid, missing
or repeated, every row is sorted on the full key instead.
"""

from collections.abc import Callable, Sequence
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


FLOATS = ("value", "warning_level", "breach_level")


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


def _as_block(part: RuleRows, times: np.ndarray) -> Callable[[np.ndarray], np.ndarray] | None:
    """How to lay a column of `part` out as a time × subject block, or None if its rows are not
    exactly one per grid time × subject. Rules emit their rows time by time or subject by
    subject: both are recognised without a search."""
    width, ts = len(part.subjects), part.rows["ts"].to_numpy()
    if ts.size != times.size * width:
        return None
    if not width:
        return lambda column: column.reshape(times.size, 0)
    subject = part.rows["subject"].to_numpy()
    ranks = np.arange(width)
    if (subject.reshape(-1, width) == ranks).all() and (
        ts.reshape(-1, width) == times[:, None]
    ).all():
        return lambda column: column.reshape(times.size, width)
    if (subject.reshape(width, -1) == ranks[:, None]).all() and (
        ts.reshape(width, -1) == times
    ).all():
        return lambda column: column.reshape(width, times.size).T
    at = _grid_index(times, ts)
    order = None if (at < 0).any() else _permutation(at * width + subject)
    if order is None:
        return None
    return lambda column: column[order].reshape(times.size, width)


@dataclass(frozen=True, eq=False)
class SignalTable:
    """risk.signals, and how many rows each rule has at each evaluation time."""

    signals: pl.DataFrame
    rows_per_time: dict[str, np.ndarray]


def signals_table(parts: Sequence[RuleRows], grid: pl.DataFrame) -> SignalTable:
    """SIGNALS of every rule's rows sorted on (ts, rule, subject), and per rule its row count
    at each grid time."""
    times = grid["ts"].dt.epoch("us").to_numpy()
    ranked = sorted(parts, key=lambda part: part.rule)
    combo_rule = [part.rule for part in ranked for _ in part.subjects]
    combo_subject = [subject for part in ranked for subject in part.subjects]
    blocks = [_as_block(part, times) for part in ranked]
    if all(block is not None for block in blocks):
        counts = {part.rule: np.full(times.size, len(part.subjects)) for part in parts}
        table = _from_blocks(ranked, blocks, times, combo_rule, combo_subject)  # type: ignore[arg-type]
        return SignalTable(table, counts)
    return _sorted(parts, ranked, times, combo_rule, combo_subject)


def _names(names: Sequence[str], codes: np.ndarray) -> pl.Series:
    return pl.Series(names, dtype=pl.String).gather(pl.Series(codes, dtype=pl.UInt32))


def _from_blocks(
    ranked: Sequence[RuleRows],
    blocks: Sequence[Callable[[np.ndarray], np.ndarray]],
    times: np.ndarray,
    combo_rule: Sequence[str],
    combo_subject: Sequence[str],
) -> pl.DataFrame:
    combos = len(combo_subject)
    columns: dict[str, pl.Series] = {}
    for name in (*FLOATS, "state"):
        matrix = np.empty((times.size, combos), dtype=np.uint32 if name == "state" else np.float64)
        known = np.ones((times.size, combos), dtype=bool)
        start = 0
        for part, block in zip(ranked, blocks, strict=True):
            width, series = len(part.subjects), part.rows[name]
            matrix[:, start : start + width] = block(series.to_numpy())
            if series.null_count():
                known[:, start : start + width] = block(series.is_not_null().to_numpy())
            start += width
        flat = pl.Series(name, matrix.reshape(-1))
        if not known.all():
            flat = pl.select(pl.when(pl.Series(known.reshape(-1))).then(flat)).to_series()
        columns[name] = flat
        del matrix, known
    which = np.tile(np.arange(combos, dtype=np.uint32), times.size)
    return (
        pl.DataFrame(
            {
                "ts": pl.Series(np.repeat(times, combos)),
                "rule": _names(combo_rule, which),
                "subject": _names(combo_subject, which),
                **{name: columns[name] for name in FLOATS},
                "state": pl.Series(STATES, dtype=pl.String).gather(columns["state"]),
            }
        )
        .with_columns(pl.col("ts").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"))
        .cast(SIGNALS)
    )


def _sorted(
    parts: Sequence[RuleRows],
    ranked: Sequence[RuleRows],
    times: np.ndarray,
    combo_rule: Sequence[str],
    combo_subject: Sequence[str],
) -> SignalTable:
    """Every row sorted on the full key: rows off the grid, missing or repeated."""
    offsets, start = {}, 0
    for part in ranked:
        offsets[part.rule] = start
        start += len(part.subjects)
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
    if not rows.height:
        return SignalTable(SIGNALS.to_frame(), counts)
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
            "state": pl.Series(STATES, dtype=pl.String).gather(rows["state"].gather(order)),
        }
    ).with_columns(pl.col("ts").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"))
    return SignalTable(signals.cast(SIGNALS), counts)
