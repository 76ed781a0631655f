"""The exchange's chaos backdoors: which are open when, and how hard.

Each window applies at full strength over [start, end); a ramp in the scenario's profile is the
scenario layer's business. Overlapping windows of one kind compound: factors multiply, and the
reject fraction is the largest open one.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from simulators.schemas import CHAOS_EVENTS
from simulators.time_grid import to_us, utc_series
from simulators.venues.chaos import ChaosWindow

LATENCY_SPIKE = "latency_spike"
ORDER_REJECTS = "order_rejects"
SPREAD_WIDENING = "spread_widening"
DOWNTIME = "downtime"
KINDS = (LATENCY_SPIKE, ORDER_REJECTS, SPREAD_WIDENING, DOWNTIME)


@dataclass(frozen=True)
class Backdoor:
    injection_id: str
    kind: str
    start_us: int
    end_us: int
    strength: float  # factor, reject fraction, or 1 for downtime
    params_json: str


def _strength(window: ChaosWindow) -> float:
    def number(name: str) -> float:
        value = window.params.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(f"{window.injection_id}: {window.kind} needs a numeric {name}")
        return float(value)

    if window.kind in (LATENCY_SPIKE, SPREAD_WIDENING):
        factor = number("factor")
        if factor <= 0:
            raise ValueError(f"{window.injection_id}: factor must be positive, got {factor}")
        return factor
    if window.kind == ORDER_REJECTS:
        fraction = number("fraction")
        if not 0 < fraction <= 1:
            raise ValueError(f"{window.injection_id}: fraction must be in (0, 1], got {fraction}")
        return fraction
    return 1.0


def _backdoor(window: ChaosWindow) -> Backdoor:
    if window.kind not in KINDS:
        raise ValueError(
            f"{window.injection_id}: {window.kind!r} is not an exchange backdoor; "
            f"known: {', '.join(KINDS)}"
        )
    if window.end <= window.start:
        raise ValueError(f"{window.injection_id}: window ends before it starts")
    return Backdoor(
        injection_id=window.injection_id,
        kind=window.kind,
        start_us=to_us(window.start),
        end_us=to_us(window.end),
        strength=_strength(window),
        params_json=json.dumps(window.params, sort_keys=True, default=str),
    )


class Backdoors:
    """Open windows by kind, answered per moment (scalar) or per array of moments."""

    def __init__(self, windows: Sequence[ChaosWindow]) -> None:
        self.all = tuple(sorted((_backdoor(w) for w in windows), key=_order))
        self._by_kind = {kind: tuple(b for b in self.all if b.kind == kind) for kind in KINDS}
        # asked per order, and most runs have neither: `down` and `reject_fraction` are then
        # False and 0 at every moment
        self.any_downtime = bool(self._by_kind[DOWNTIME])
        self.any_rejects = bool(self._by_kind[ORDER_REJECTS])

    def _of(self, kind: str) -> tuple[Backdoor, ...]:
        return self._by_kind[kind]

    def factor(self, kind: str, moment_us: int) -> float:
        factor = 1.0
        for b in self._by_kind[kind]:
            if b.start_us <= moment_us < b.end_us:
                factor *= b.strength
        return factor

    def factors(self, kind: str, moments_us: NDArray[np.int64]) -> NDArray[np.float64]:
        factor = np.ones(moments_us.shape, dtype=np.float64)
        for b in self._of(kind):
            open_ = (moments_us >= b.start_us) & (moments_us < b.end_us)
            factor = np.where(open_, factor * b.strength, factor)
        return factor

    def reject_fraction(self, moment_us: int) -> float:
        if not self._by_kind[ORDER_REJECTS]:  # asked per order: most runs have none
            return 0.0
        open_ = [b.strength for b in self._of(ORDER_REJECTS) if b.start_us <= moment_us < b.end_us]
        return max(open_, default=0.0)

    def down(self, moment_us: int) -> bool:
        if not self._by_kind[DOWNTIME]:
            return False
        return any(b.start_us <= moment_us < b.end_us for b in self._of(DOWNTIME))

    def downtime_spans(self) -> list[tuple[int, int]]:
        """Merged, so a delivery pushed to one span's end never lands inside another."""
        spans: list[tuple[int, int]] = []
        for b in self._of(DOWNTIME):
            if spans and b.start_us <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], b.end_us))
            else:
                spans.append((b.start_us, b.end_us))
        return spans

    def events(self, venue: str) -> pl.DataFrame:
        """CHAOS_EVENTS: a start and an end row per window, in time order."""
        rows = [
            (moment, b.injection_id, b.kind, phase, b.params_json)
            for b in self.all
            for moment, phase in ((b.start_us, "start"), (b.end_us, "end"))
        ]
        rows.sort(key=lambda row: (row[0], row[1], row[3] != "end"))
        return pl.DataFrame(
            {
                "ts": utc_series("ts", np.array([r[0] for r in rows], dtype=np.int64)),
                "venue": pl.Series([venue] * len(rows), dtype=pl.String()),
                "injection_id": pl.Series([r[1] for r in rows], dtype=pl.String()),
                "kind": pl.Series([r[2] for r in rows], dtype=pl.String()),
                "phase": pl.Series([r[3] for r in rows], dtype=pl.String()),
                "params": pl.Series([r[4] for r in rows], dtype=pl.String()),
            }
        ).cast(CHAOS_EVENTS)


def _order(b: Backdoor) -> tuple[int, int, str]:
    return (b.start_us, b.end_us, b.injection_id)
