"""The settlement desk: instruct each cycle's obligation at its cutoff, settle it when due, and
let the backdoors postpone, defer, reject or cut it short.

A settlement keeps one id for its whole life, however many attempts it takes, so a client (and
the risk monitor) sees one obligation whose status moves, not a trail of look-alikes to de-dupe.
"""

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import polars as pl

from scenarios.durations import format_duration
from simulators.custodian.book import CUSTODIAN, EXCHANGE
from simulators.custodian.chaos import DELAY, PARTIAL, REJECTS
from simulators.custodian.engine import Step, Venue
from simulators.custodian.records import frame_of
from simulators.custodian.schemas import SETTLEMENT_EVENTS, SETTLEMENTS
from simulators.custodian.units import to_amount
from simulators.seeding import stream
from simulators.time_grid import MICROSECOND, format_utc


@dataclass
class Settlement:
    settlement_id: str
    account_id: str
    exchange_account_id: str
    asset: str
    units: int  # + to custody
    cutoff_us: int
    due_us: int
    settled_units: int = 0
    status: str = "pending"
    reason: str | None = None
    settled_at_us: int | None = None
    attempts: int = 0
    postponed_by: set[str] = field(default_factory=set)

    @property
    def remaining(self) -> int:
        return self.units - self.settled_units


class SettlementDesk:
    def __init__(self, venue: Venue, obligations: pl.DataFrame) -> None:
        self.venue = venue
        self.settlements = [
            Settlement(
                settlement_id=row["settlement_id"],
                account_id=row["account_id"],
                exchange_account_id=row["exchange_account_id"],
                asset=row["asset"],
                units=row["units"],
                cutoff_us=row["cutoff_us"],
                due_us=row["due_us"],
            )
            for row in obligations.with_columns(
                cutoff_us=pl.col("cycle_cutoff").dt.epoch("us"),
                due_us=pl.col("due_at").dt.epoch("us"),
            ).iter_rows(named=True)
        ]
        self.events: list[dict[str, Any]] = []

    def schedule(self) -> None:
        for s in self.settlements:
            self.venue.scheduler.at(
                s.cutoff_us, Step.INSTRUCT_SETTLEMENT, s.settlement_id, partial(self._instruct, s)
            )

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """SETTLEMENTS (each in its final state) and SETTLEMENT_EVENTS."""
        rows = [
            {
                "settlement_id": s.settlement_id,
                "account_id": s.account_id,
                "exchange_account_id": s.exchange_account_id,
                "asset": s.asset,
                "amount": self._amount(s, s.units),
                "cycle_cutoff": s.cutoff_us,
                "due_at": s.due_us,
                "settled_at": s.settled_at_us,
                "settled_amount": self._amount(s, s.settled_units),
                "status": s.status,
                "reason": s.reason,
            }
            for s in self.settlements
        ]
        settlements = frame_of(rows, SETTLEMENTS).sort("cycle_cutoff", "settlement_id")
        return settlements, frame_of(self.events, SETTLEMENT_EVENTS)

    def _instruct(self, s: Settlement, t_us: int) -> None:
        self._record(t_us, s, "instructed")
        self._attempt_at(s, s.due_us)

    def _attempt_at(self, s: Settlement, t_us: int) -> None:
        self.venue.scheduler.at(
            t_us, Step.ATTEMPT_SETTLEMENT, s.settlement_id, partial(self._attempt, s)
        )

    def _reinstruct(self, s: Settlement, t_us: int) -> None:
        s.status = "partial" if s.settled_units else "pending"
        self._record(t_us, s, "reinstructed", reason=s.reason)
        self._attempt(s, t_us)

    def _attempt(self, s: Settlement, t_us: int) -> None:
        if self._held_back(s, t_us):
            return
        s.attempts += 1
        moving, short_reason = self._share_to_move(s, t_us)
        refusal = self._refusal(s, t_us, moving)
        if refusal is not None:
            s.status, s.reason = "rejected", refusal
            self._record(t_us, s, "rejected", reason=refusal)
            self.venue.scheduler.at(
                self.venue.calendar.next_batch_after(t_us),
                Step.ATTEMPT_SETTLEMENT,
                s.settlement_id,
                partial(self._reinstruct, s),
            )
            return
        self._move(s, t_us, moving, short_reason)

    def _held_back(self, s: Settlement, t_us: int) -> bool:
        """Offline: wait for the custodian to return. Delayed: wait `by`, once per window."""
        back = self.venue.chaos.back_online_at(t_us)
        if back is not None:
            self._record(t_us, s, "deferred", reason=f"custodian offline until {format_utc(back)}")
            self._attempt_at(s, back)
            return True
        for door in self.venue.chaos.active(DELAY, t_us):
            if door.injection_id not in s.postponed_by:
                s.postponed_by.add(door.injection_id)
                by = format_duration(door.by_us * MICROSECOND)
                self._record(t_us, s, "postponed", reason=f"{DELAY} {door.injection_id}: by {by}")
                self._attempt_at(s, t_us + door.by_us)
                return True
        return False

    def _share_to_move(self, s: Settlement, t_us: int) -> tuple[int, str | None]:
        """The remainder, or the partial_settlement share of it (truncated toward zero)."""
        for door in self.venue.chaos.active(PARTIAL, t_us):
            if door.fraction < 1:
                share = int(s.remaining * door.fraction)
                return share, f"{PARTIAL} {door.injection_id}: {door.fraction:g} of the remainder"
        return s.remaining, None

    def _refusal(self, s: Settlement, t_us: int, moving: int) -> str | None:
        for door in self.venue.chaos.active(REJECTS, t_us):
            draw = stream(self.venue.seed, REJECTS, door.injection_id, s.settlement_id)
            # the n-th draw of the settlement's own stream: independent of every other settlement
            if draw.random(s.attempts)[-1] < door.fraction:
                return f"rejected by the custodian ({REJECTS} {door.injection_id})"
        available = self.venue.book.available(s.account_id, s.asset)
        if moving < 0 and available < -moving:
            places = self.venue.config.places(s.asset)
            return (
                f"insufficient custody balance: {to_amount(-moving, places)} {s.asset} due, "
                f"{to_amount(available, places)} available"
            )
        return None

    def _move(self, s: Settlement, t_us: int, moving: int, short_reason: str | None) -> None:
        if moving:
            self.venue.book.post(
                t_us,
                f"{s.settlement_id}#{s.attempts}",
                s.settlement_id,
                [
                    ((CUSTODIAN, s.account_id, s.asset), moving),
                    ((EXCHANGE, s.exchange_account_id, s.asset), -moving),
                ],
            )
        s.settled_units += moving
        if s.remaining == 0:
            s.status, s.reason, s.settled_at_us = "settled", None, t_us
            self._record(t_us, s, "settled", moved=moving)
            return
        s.status, s.reason = "partial", short_reason
        self._record(t_us, s, "partially_settled", moved=moving, reason=short_reason)
        self._attempt_at(s, self.venue.calendar.next_batch_after(t_us))

    def _record(
        self, t_us: int, s: Settlement, event: str, moved: int = 0, reason: str | None = None
    ) -> None:
        self.events.append(
            {
                "ts": t_us,
                "settlement_id": s.settlement_id,
                "event": event,
                "status": s.status,
                "moved": self._amount(s, moved),
                "settled_amount": self._amount(s, s.settled_units),
                "reason": reason,
            }
        )

    def _amount(self, s: Settlement, units: int) -> float:
        return to_amount(units, self.venue.config.places(s.asset))
