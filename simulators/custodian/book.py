"""The custodian's books: integer balances, reservations, and a journal of every change.

Every change is a journal entry whose legs sum to zero, which is what makes conservation a
property of the code path rather than of float luck.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from simulators.custodian.config import CustodianConfig
from simulators.custodian.records import frame_of
from simulators.custodian.schemas import ACCOUNT_TRUTH, LEDGER
from simulators.custodian.units import to_amount

CUSTODIAN, EXCHANGE, EXTERNAL = "custodian", "exchange", "external"

Key = tuple[str, str, str]  # venue, account, asset


@dataclass
class Book:
    config: CustodianConfig
    start_us: int
    units: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    # pending withdrawals hold their funds, so a settlement cannot spend them meanwhile
    reserved: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    journal: list[dict[str, Any]] = field(default_factory=list)
    levels: list[dict[str, Any]] = field(default_factory=list)

    def open(self, account_id: str, asset: str, units: int) -> None:
        self.units[(CUSTODIAN, account_id, asset)] += units
        self._record_level(self.start_us, (CUSTODIAN, account_id, asset))

    def track_exchange(self, account_id: str, asset: str) -> None:
        """Start an exchange account's settlement-transfer total at zero, at the run start."""
        key = (EXCHANGE, account_id, asset)
        if key not in self.units:
            self.units[key] = 0
            self._record_level(self.start_us, key)

    def available(self, account_id: str, asset: str) -> int:
        return self.units[(CUSTODIAN, account_id, asset)] - self.reserved[(account_id, asset)]

    def post(self, t_us: int, entry_id: str, ref_id: str, legs: list[tuple[Key, int]]) -> None:
        if sum(units for _, units in legs) != 0:
            raise AssertionError(f"journal entry {entry_id} does not balance: {legs}")
        for key, units in legs:
            self.units[key] += units
            venue, account_id, asset = key
            self.journal.append(
                {
                    "ts": t_us,
                    "entry_id": entry_id,
                    "ref_id": ref_id,
                    "account_id": account_id,
                    "venue": venue,
                    "asset": asset,
                    "amount": to_amount(units, self.config.places(asset)),
                    "units": units,
                }
            )
            if venue != EXTERNAL:
                self._record_level(t_us, key)

    def ledger(self) -> pl.DataFrame:
        return frame_of(self.journal, LEDGER)

    def truth(self) -> pl.DataFrame:
        """ACCOUNT_TRUTH: the level after the last change at each moment."""
        levels = frame_of(self.levels, ACCOUNT_TRUTH)
        last = levels.unique(
            ["ts", "account_id", "venue", "asset"], keep="last", maintain_order=True
        )
        return last.sort("account_id", "asset", "ts", "venue")

    def _record_level(self, t_us: int, key: Key) -> None:
        venue, account_id, asset = key
        balance = to_amount(self.units[key], self.config.places(asset))
        self.levels.append(
            {
                "ts": t_us,
                "account_id": account_id,
                "venue": venue,
                "asset": asset,
                "balance": balance,
            }
        )
