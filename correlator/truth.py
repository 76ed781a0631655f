"""The audit tables the judge measures onsets on. Only reference prices exist for every run;
the rest exist when the scenario has accounts or a custodian."""

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True, eq=False)
class Truth:
    reference_prices: pl.DataFrame
    account_truth: pl.DataFrame | None = None
    settlements: pl.DataFrame | None = None  # audit.settlements, the custodian's internal truth
    settlement_events: pl.DataFrame | None = None  # audit.settlement_events: what moved, when

    def required(self, table: str, why: str) -> pl.DataFrame:
        frame = getattr(self, table)
        if frame is None:
            raise ValueError(f"{why} needs audit truth table {table!r}, which this run lacks")
        assert isinstance(frame, pl.DataFrame)
        return frame
