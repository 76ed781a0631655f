"""The custodian's backdoors: ChaosWindows turned into checks the settlement loop asks at a moment.

Only the keys a kind needs are read (`by`, `fraction`); profile keys the scenario layer may pass
along (`over`, `shape`, `recover_after`, ...) shape the window's span there, not its effect here.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from scenarios.durations import format_duration, parse_duration
from simulators.custodian.schemas import CHAOS_EVENTS
from simulators.time_grid import duration_us, to_us
from simulators.venues.chaos import ChaosWindow

VENUE = "custodian"
DELAY, REJECTS, PARTIAL, OFFLINE = (
    "settlement_delay",
    "settlement_rejects",
    "partial_settlement",
    "custodian_offline",
)
CUSTODIAN_CHAOS_KINDS = (DELAY, REJECTS, PARTIAL, OFFLINE)


@dataclass(frozen=True)
class Backdoor:
    injection_id: str
    kind: str
    start_us: int
    end_us: int  # exclusive
    by_us: int = 0  # settlement_delay
    fraction: float = 1.0  # settlement_rejects: share rejected; partial_settlement: share settled

    def active(self, t_us: int) -> bool:
        return self.start_us <= t_us < self.end_us


@dataclass(frozen=True)
class CustodianChaos:
    backdoors: tuple[Backdoor, ...]
    offline_spans: tuple[tuple[int, int], ...]  # merged, so a resume never lands in more downtime

    @classmethod
    def of(cls, windows: Sequence[ChaosWindow]) -> "CustodianChaos":
        backdoors = tuple(
            sorted((_backdoor(w) for w in windows), key=lambda b: (b.start_us, b.injection_id))
        )
        offline = [(b.start_us, b.end_us) for b in backdoors if b.kind == OFFLINE]
        return cls(backdoors, _merged(offline))

    def active(self, kind: str, t_us: int) -> list[Backdoor]:
        return [b for b in self.backdoors if b.kind == kind and b.active(t_us)]

    def back_online_at(self, t_us: int) -> int | None:
        """When the custodian comes back, if it is offline at `t_us`."""
        for start, end in self.offline_spans:
            if start <= t_us < end:
                return end
        return None

    def offline_mask(self, ts_us: NDArray[np.int64]) -> NDArray[np.bool_]:
        mask = np.zeros(ts_us.shape, dtype=np.bool_)
        for start, end in self.offline_spans:
            mask |= (ts_us >= start) & (ts_us < end)
        return mask


def chaos_events(windows: Sequence[ChaosWindow], end: datetime) -> pl.DataFrame:
    """CHAOS_EVENTS: each window's start, and its end when it closes before the run does."""
    rows: list[dict[str, Any]] = []
    for window in windows:
        params = json.dumps(window.params, sort_keys=True, default=_json_default)
        phases = [("start", window.start)] + ([("end", window.end)] if window.end < end else [])
        rows += [
            {
                "ts": moment,
                "venue": VENUE,
                "injection_id": window.injection_id,
                "kind": window.kind,
                "phase": phase,
                "params": params,
            }
            for phase, moment in phases
        ]
    return pl.DataFrame(rows, schema=CHAOS_EVENTS).sort("ts", "injection_id", "phase")


def _backdoor(window: ChaosWindow) -> Backdoor:
    where = f"chaos window {window.injection_id!r} ({window.kind})"
    if window.kind not in CUSTODIAN_CHAOS_KINDS:
        known = ", ".join(CUSTODIAN_CHAOS_KINDS)
        raise ValueError(f"{where}: not a custodian kind; known: {known}")
    if window.end <= window.start:
        raise ValueError(f"{where}: end {window.end} is not after start {window.start}")
    span = {"start_us": to_us(window.start), "end_us": to_us(window.end)}
    if window.kind == DELAY:
        return Backdoor(
            window.injection_id, window.kind, **span, by_us=_by_us(window.params, where)
        )
    if window.kind in (REJECTS, PARTIAL):
        fraction = _fraction(window.params, where)
        return Backdoor(window.injection_id, window.kind, **span, fraction=fraction)
    return Backdoor(window.injection_id, window.kind, **span)


def _by_us(params: Mapping[str, Any], where: str) -> int:
    by = params.get("by")
    try:
        delay = by if isinstance(by, timedelta) else parse_duration(by)
    except ValueError as error:
        raise ValueError(f"{where}: params.by: {error}") from None
    if delay <= timedelta(0):
        raise ValueError(f"{where}: params.by must be positive, got {by!r}")
    return duration_us(delay)


def _fraction(params: Mapping[str, Any], where: str) -> float:
    fraction = params.get("fraction")
    if isinstance(fraction, bool) or not isinstance(fraction, int | float):
        raise ValueError(f"{where}: params.fraction must be a number in (0, 1], got {fraction!r}")
    if not 0 < fraction <= 1:
        raise ValueError(f"{where}: params.fraction must be in (0, 1], got {fraction}")
    return float(fraction)


def _merged(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _json_default(value: object) -> str:
    if isinstance(value, timedelta):
        return format_duration(value)
    raise TypeError(f"cannot write {value!r} as JSON")
