"""Deposits and withdrawals: requested → pending → completed, or rejected at acceptance.

A withdrawal is checked against the available balance (balance minus what pending withdrawals
already hold) when the custodian accepts it, and its funds are held from then on, so a later
settlement or withdrawal cannot spend them twice.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import polars as pl

from simulators.custodian.book import CUSTODIAN, EXTERNAL
from simulators.custodian.engine import Step, Venue
from simulators.custodian.records import frame_of
from simulators.custodian.schemas import INSTRUCTIONS, TRANSFER_EVENTS
from simulators.custodian.units import to_amount, to_units
from simulators.seeding import stream
from simulators.time_grid import to_us

DEPOSIT, WITHDRAWAL = "deposit", "withdrawal"


@dataclass(frozen=True)
class Instruction:
    instruction_id: str
    account_id: str
    asset: str
    units: int
    direction: str
    ts_us: int


class TransferDesk:
    def __init__(self, venue: Venue, instructions: pl.DataFrame) -> None:
        self.venue = venue
        self.instructions = [
            Instruction(
                instruction_id=row["instruction_id"],
                account_id=row["account_id"],
                asset=row["asset"],
                units=to_units(row["amount"], venue.config.places(row["asset"])),
                direction=row["direction"],
                ts_us=to_us(row["ts"]),
            )
            for row in instructions.sort("ts", "instruction_id").iter_rows(named=True)
        ]
        self.events: list[dict[str, Any]] = []
        too_small = [i.instruction_id for i in self.instructions if i.units == 0]
        if too_small:
            raise ValueError(f"instruction {too_small[0]!r}: amount is below the asset's unit")

    def schedule(self) -> None:
        for i in self.instructions:
            self.venue.scheduler.at(
                i.ts_us, Step.REQUEST_TRANSFER, i.instruction_id, partial(self._request, i)
            )

    def frame(self) -> pl.DataFrame:
        return frame_of(self.events, TRANSFER_EVENTS)

    def _request(self, i: Instruction, t_us: int) -> None:
        self._record(t_us, i, "requested")
        self._accept(i, t_us)

    def _accept(self, i: Instruction, t_us: int) -> None:
        back = self.venue.chaos.back_online_at(t_us)
        if back is not None:  # the request waits in the custodian's inbox
            self._later(back, Step.ACCEPT_TRANSFER, i, self._accept)
            return
        book = self.venue.book
        if i.direction == WITHDRAWAL:
            available = book.available(i.account_id, i.asset)
            if i.units > available:
                places = self.venue.config.places(i.asset)
                reason = (
                    f"insufficient available balance: requested {to_amount(i.units, places)} "
                    f"{i.asset}, available {to_amount(available, places)} {i.asset}"
                )
                self._record(t_us, i, "rejected", reason)
                return
            book.reserved[(i.account_id, i.asset)] += i.units
        self._record(t_us, i, "pending")
        latency = (
            self.venue.config.withdrawal_processing
            if i.direction == WITHDRAWAL
            else self.venue.config.deposit_processing
        )
        rng = stream(self.venue.seed, "transfer_processing", i.instruction_id)
        delay = int(latency.sample_us(rng, 1)[0])
        self._later(t_us + delay, Step.COMPLETE_TRANSFER, i, self._complete)

    def _complete(self, i: Instruction, t_us: int) -> None:
        back = self.venue.chaos.back_online_at(t_us)
        if back is not None:
            self._later(back, Step.COMPLETE_TRANSFER, i, self._complete)
            return
        inflow = i.units if i.direction == DEPOSIT else -i.units
        if i.direction == WITHDRAWAL:
            self.venue.book.reserved[(i.account_id, i.asset)] -= i.units
        self.venue.book.post(
            t_us,
            i.instruction_id,
            i.instruction_id,
            [
                ((CUSTODIAN, i.account_id, i.asset), inflow),
                ((EXTERNAL, EXTERNAL, i.asset), -inflow),
            ],
        )
        self._record(t_us, i, "completed")

    def _later(self, t_us: int, step: Step, i: Instruction, action: Any) -> None:
        self.venue.scheduler.at(t_us, step, i.instruction_id, partial(action, i))

    def _record(self, t_us: int, i: Instruction, status: str, reason: str | None = None) -> None:
        self.events.append(
            {
                "ts": t_us,
                "instruction_id": i.instruction_id,
                "account_id": i.account_id,
                "asset": i.asset,
                "amount": to_amount(i.units, self.venue.config.places(i.asset)),
                "direction": i.direction,
                "status": status,
                "reason": reason,
            }
        )


def check_instructions(
    instructions: pl.DataFrame, custody_accounts: set[str], start: datetime, end: datetime
) -> pl.DataFrame:
    """INSTRUCTIONS, or ValueError naming the first bad instruction."""
    frame = instructions.select(INSTRUCTIONS.names()).cast(INSTRUCTIONS)
    duplicated = frame.filter(pl.col("instruction_id").is_duplicated())
    if not duplicated.is_empty():
        raise ValueError(f"instruction {duplicated['instruction_id'][0]!r}: duplicate id")
    problems = {
        "direction is not deposit or withdrawal": ~pl.col("direction").is_in([DEPOSIT, WITHDRAWAL]),
        "amount is not a positive number": ~(pl.col("amount").is_finite() & (pl.col("amount") > 0)),
        f"account_id is not a custody account ({', '.join(sorted(custody_accounts))})": ~pl.col(
            "account_id"
        ).is_in(sorted(custody_accounts)),
        "ts is outside the run [start, end)": ~pl.col("ts").is_between(start, end, closed="left"),
    }
    for problem, bad in problems.items():
        offending = frame.filter(bad.fill_null(True))
        if not offending.is_empty():
            raise ValueError(f"instruction {offending['instruction_id'][0]!r}: {problem}")
    return frame
