"""One rule's levelled signal as time × subject matrices ("blocks"), and its alert events.

Every rule emits one row per evaluation time × subject, time by time or subject by subject. Laid
out as a block, a level's state is a forward fill down each column and its alerts are the cells
where it differs from the cell above: vector operations, where the same over a long frame
partitions millions of rows by subject name. Rows that are not exactly one per grid time ×
subject get no block: the caller levels them as a frame (`levels.apply_levels`).

The levels' on/off conditions are evaluated by the same Polars expressions as
`levels._level_active`, so nulls and edge values behave identically; only the hold between them
is done here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import polars as pl

from risk_monitor.alerts import owned_alerts
from risk_monitor.dense import long_frame
from risk_monitor.levels import LEVELS, RULE_SIGNAL, SEVERITY, LevelLimits, configured_level
from risk_monitor.schemas import STATES

BREACH, NO_DATA, OK, WARNING = range(len(STATES))


def grid_index(times: np.ndarray, ts: np.ndarray) -> np.ndarray:
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
class Layout:
    """Where each row of a frame goes in a time × subject block: row = index[t, s]."""

    index: np.ndarray

    def block(self, column: np.ndarray) -> np.ndarray:
        return np.asarray(column[self.index])

    @classmethod
    def of(
        cls, ts: np.ndarray, subject: np.ndarray, times: np.ndarray, width: int
    ) -> "Layout | None":
        """The layout of rows (ts in µs, subject ranks) if there is exactly one per grid time ×
        subject, else None. Rows time by time or subject by subject are recognised without a
        search."""
        if ts.size != times.size * width:
            return None
        rows = np.arange(ts.size, dtype=np.int64)
        if not width:
            return cls(rows.reshape(times.size, 0))
        ranks = np.arange(width)
        if (subject.reshape(-1, width) == ranks).all() and (
            ts.reshape(-1, width) == times[:, None]
        ).all():
            return cls(rows.reshape(times.size, width))
        if (subject.reshape(width, -1) == ranks[:, None]).all() and (
            ts.reshape(width, -1) == times
        ).all():
            return cls(rows.reshape(width, times.size).T)
        at = grid_index(times, ts)
        order = None if (at < 0).any() else _permutation(at * width + subject)
        return None if order is None else cls(order.reshape(times.size, width))


def _held(triggers: np.ndarray) -> np.ndarray:
    """Down each column: on (1) / off (0) where triggered, else as the cell above; off at first."""
    return _held_between(triggers == 1, partial(np.equal, triggers, 0))


def _held_between(on: np.ndarray, off: Callable[[], np.ndarray]) -> np.ndarray:
    """Down each column: on where `on`, else off where `off()`, else as the cell above; off at
    first. Most levels are never reached: a column never on is off throughout and every column
    is off until the first on of any, so `off` is computed and the hold worked out only for
    levels reached, over the columns and rows from there (16 of the benchmark's 22 levels not
    at all)."""
    held = np.zeros(on.shape, dtype=bool)
    reached = np.flatnonzero(on.any(axis=0))
    if not reached.size:
        return held
    columns = slice(None) if reached.size == on.shape[1] else reached
    first = int(np.argmax(on[:, columns].any(axis=1)))
    held[first:, columns] = _hold(on[first:, columns], off()[first:, columns])
    return held


def _hold(on: np.ndarray, off: np.ndarray) -> np.ndarray:
    """_held_between itself. Each trigger is coded 2 × time, + 1 if on: the running max is the
    last trigger, on if odd (and -2, none yet, is even): one running max where an on and an off
    one took two, and it is most of the cost."""
    twice = 2 * np.arange(on.shape[0], dtype=np.int64 if on.shape[0] >= 2**30 else np.int32)
    last = np.where(on, twice[:, None] + 1, np.where(off, twice[:, None], -2))
    np.maximum.accumulate(last, axis=0, out=last)
    return np.asarray((last & 1).astype(bool))


@dataclass(frozen=True, eq=False)
class RuleBlocks:
    """One rule's signal rows as blocks: value (and where it is non-null), its levels, state
    (rank in STATES); columns are `subjects`, sorted."""

    rule: str
    subjects: tuple[str, ...]
    value: np.ndarray
    value_known: np.ndarray
    warning_level: np.ndarray
    breach_level: np.ndarray
    state: np.ndarray


@dataclass(frozen=True, eq=False)
class SignalBlock:
    """RULE_SIGNAL as time × subject matrices, for a rule that computes its signal as one (no
    null `armed`); `warning_level` / `breach_level` are per-subject overrides (None: the rule's
    own level). Columns in any order; subjects distinct."""

    subjects: tuple[str, ...]
    account_ids: tuple[str | None, ...]
    value: np.ndarray
    value_known: np.ndarray
    armed: np.ndarray
    warning_level: tuple[float | None, ...] | None = None
    breach_level: tuple[float | None, ...] | None = None

    def level(self, name: str, default: float) -> np.ndarray:
        """Each subject's `name` level."""
        overrides = getattr(self, name) or (None,) * len(self.subjects)
        return np.array([default if level is None else level for level in overrides])

    def frame(self, grid: pl.DataFrame) -> pl.DataFrame:
        """The same signal as a RULE_SIGNAL frame (plus any override columns), time by time."""
        keys = pl.DataFrame(
            {"subject": self.subjects, "account_id": self.account_ids},
            schema={"subject": pl.String, "account_id": pl.String},
        )
        columns = {
            "value": (self.value, self.value_known),
            "armed": (self.armed, None),
        }
        width = len(self.subjects)
        for name in ("warning_level", "breach_level"):
            overrides = getattr(self, name)
            if overrides is not None:
                known = np.array([level is not None for level in overrides], dtype=bool)
                per_subject = np.where(known, self.level(name, 0.0), 0.0)
                shape = (grid.height, width)
                columns[name] = (
                    np.broadcast_to(per_subject, shape),
                    np.broadcast_to(known, shape),
                )
        frame = long_frame(grid, keys, columns)
        extra = [name for name in ("warning_level", "breach_level") if name in frame.columns]
        return frame.select(*RULE_SIGNAL.names(), *extra).cast(RULE_SIGNAL)


def _block_levels(
    rule: str, signal: SignalBlock, limits: LevelLimits, times: np.ndarray
) -> tuple[RuleBlocks, pl.DataFrame] | None:
    if len(set(signal.subjects)) < len(signal.subjects):
        return None
    order = sorted(range(len(signal.subjects)), key=lambda i: signal.subjects[i])
    # most rules emit their subjects sorted already: no copy of their matrices then
    columns = slice(None) if order == sorted(order) else order
    value, known = signal.value[:, columns], signal.value_known[:, columns]
    armed = signal.armed[:, columns]
    levels = {
        level: signal.level(f"{level}_level", getattr(limits, level))[order] for level in LEVELS
    }
    active = {}
    for level, at in levels.items():
        # as levels._level_active, with null values never on and off only when disarmed
        on = armed & known & (value >= at)
        active[level] = _held_between(
            on, partial(_turned_off, armed, known, value, at * limits.clear_ratio)
        )
    shape = value.shape
    blocks = RuleBlocks(
        rule,
        tuple(signal.subjects[i] for i in order),
        value,
        known,
        np.broadcast_to(levels["warning"], shape),
        np.broadcast_to(levels["breach"], shape),
        _states(known, active),
    )
    events = []
    for level in LEVELS:
        # np.nonzero of a matrix finds its cells' indices several times slower
        t, c = np.divmod(np.flatnonzero(_changed(active[level])), max(shape[1], 1))
        threshold = pl.Series(levels[level][c])
        events.append(
            pl.DataFrame(
                {
                    "ts": pl.Series(times[t]).cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
                    "subject": pl.Series([blocks.subjects[i] for i in c], dtype=pl.String),
                    "value": pl.Series(value[t, c]),
                    "known": pl.Series(known[t, c]),
                    "account_id": pl.Series(
                        [signal.account_ids[order[i]] for i in c], dtype=pl.String
                    ),
                    "armed": pl.Series(armed[t, c]),
                    "on": pl.Series(active[level][t, c]),
                }
            ).select(
                "ts",
                rule=pl.lit(rule),
                subject="subject",
                severity=pl.lit(SEVERITY[level]),
                event=pl.when("on").then(pl.lit("raised")).otherwise(pl.lit("cleared")),
                value=pl.when("known").then("value"),
                threshold=threshold,
                account_id="account_id",
                level=pl.lit(level),
                clear_level=threshold * limits.clear_ratio,
                armed="armed",
            )
        )
    return blocks, owned_alerts(pl.concat(events))


def _turned_off(
    armed: np.ndarray, known: np.ndarray, value: np.ndarray, clear_level: np.ndarray
) -> np.ndarray:
    return ~armed | (known & (value < clear_level))


def _states(known: np.ndarray, active: dict[str, np.ndarray]) -> np.ndarray:
    state = np.full(known.shape, OK, dtype=np.uint8)
    state[active["warning"]] = WARNING
    state[active["breach"]] = BREACH
    state[~known] = NO_DATA
    return state


def _changed(active: np.ndarray) -> np.ndarray:
    """Cells where a level differs from the cell above (off before the first time, so one on at
    the first time is raised then)."""
    changed = np.empty(active.shape, dtype=bool)
    changed[:1] = active[:1]
    np.not_equal(active[1:], active[:-1], out=changed[1:])
    return changed


def level_blocks(
    rule: str, signal: pl.DataFrame | SignalBlock, limits: LevelLimits, times: np.ndarray
) -> tuple[RuleBlocks, pl.DataFrame] | None:
    """The rule's blocks and its owned alert events (see `alerts.owned_alerts`), or None if
    `signal` (RULE_SIGNAL, optionally with level overrides, or a SignalBlock) has no block
    layout."""
    if isinstance(signal, SignalBlock):
        return _block_levels(rule, signal, limits, times)
    subjects = tuple(sorted(signal["subject"].unique().to_list()))
    value, armed = pl.col("value"), pl.col("armed")
    levels = {
        "warning_level": configured_level(signal, "warning_level", limits.warning),
        "breach_level": configured_level(signal, "breach_level", limits.breach),
    }

    def trigger(level: str) -> pl.Expr:
        # as levels._level_active: on, off, or null where the level keeps its state
        on = armed & (value >= pl.col(level))
        off = ~armed | (value < pl.col(level) * limits.clear_ratio)
        return pl.when(on).then(1).when(off).then(0).otherwise(-1).cast(pl.Int8)

    coded = signal.select(
        pl.col("ts").dt.epoch("us"),
        pl.col("subject").cast(pl.Enum(subjects)).to_physical().cast(pl.Int64),
        value,
        armed,
        value.is_not_null().alias("value_known"),
        **levels,
    ).with_columns(
        warning=trigger("warning_level"),
        breach=trigger("breach_level"),
    )
    layout = Layout.of(coded["ts"].to_numpy(), coded["subject"].to_numpy(), times, len(subjects))
    if layout is None:
        return None

    def block(name: str) -> np.ndarray:
        return layout.block(coded[name].to_numpy())

    active = {level: _held(block(level)) for level in LEVELS}
    value_known = block("value_known")
    blocks = RuleBlocks(
        rule,
        subjects,
        block("value"),
        value_known,
        block("warning_level"),
        block("breach_level"),
        _states(value_known, active),
    )
    events = pl.concat(
        [
            _transitions(rule, signal, coded, layout, level, active[level], limits)
            for level in LEVELS
        ]
    )
    return blocks, owned_alerts(events)


def _transitions(
    rule: str,
    signal: pl.DataFrame,
    coded: pl.DataFrame,
    layout: Layout,
    level: str,
    active: np.ndarray,
    limits: LevelLimits,
) -> pl.DataFrame:
    """As alerts._transitions: a row per cell where the level turns on or off (off before the
    first time, so one on at the first time is raised then)."""
    changed = _changed(active)
    rows = pl.Series(layout.index[changed], dtype=pl.Int64)
    turned_on = pl.Series(active[changed])
    threshold = coded[f"{level}_level"].gather(rows)
    return signal.select("ts", "subject", "value", "account_id", "armed")[rows].select(
        "ts",
        rule=pl.lit(rule),
        subject="subject",
        severity=pl.lit(SEVERITY[level]),
        event=pl.when(turned_on).then(pl.lit("raised")).otherwise(pl.lit("cleared")),
        value="value",
        threshold=threshold,
        account_id="account_id",
        level=pl.lit(level),
        clear_level=threshold * limits.clear_ratio,
        armed="armed",
    )
