"""One clock for everything the custodian does: a time-ordered queue of steps.

Settlements and transfers share balances (a withdrawal can starve a settlement), so they must run
in one global time order; ties break on a fixed step order and the subject's id, never on hash or
insertion luck, which keeps runs byte-identical.
"""

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

from simulators.custodian.book import Book
from simulators.custodian.chaos import CustodianChaos
from simulators.custodian.config import CustodianConfig
from simulators.custodian.cycles import SettlementCalendar


class Step(IntEnum):
    """Order of steps at the same microsecond: credits land before anything spends them."""

    COMPLETE_TRANSFER = 0
    INSTRUCT_SETTLEMENT = 1
    ATTEMPT_SETTLEMENT = 2
    REQUEST_TRANSFER = 3
    ACCEPT_TRANSFER = 4


Action = Callable[[int], None]


@dataclass
class Scheduler:
    end_us: int  # steps at or after the run end never happen inside the run
    _queue: list[tuple[int, Step, str, int, Action]] = field(default_factory=list)
    _sequence: int = 0

    def at(self, t_us: int, step: Step, subject: str, action: Action) -> None:
        if t_us < self.end_us:
            self._sequence += 1
            heapq.heappush(self._queue, (t_us, step, subject, self._sequence, action))

    def run(self) -> None:
        while self._queue:
            t_us, *_, action = heapq.heappop(self._queue)
            action(t_us)


@dataclass(frozen=True)
class Venue:
    """What every desk of the custodian works with."""

    config: CustodianConfig
    calendar: SettlementCalendar
    chaos: CustodianChaos
    book: Book
    scheduler: Scheduler
    seed: int
