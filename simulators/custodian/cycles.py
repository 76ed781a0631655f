"""Settlement cycles on the integer-microsecond clock: which cutoff a trade falls in, and when the
custodian's settlement batches run."""

from dataclasses import dataclass

import polars as pl

from simulators.custodian.config import CustodianConfig
from simulators.time_grid import duration_us


@dataclass(frozen=True)
class SettlementCalendar:
    anchor_us: int  # a cutoff; every other cutoff is a whole number of periods away
    period_us: int
    lag_us: int  # cutoff to due time

    @classmethod
    def of(cls, config: CustodianConfig) -> "SettlementCalendar":
        return cls(
            anchor_us=duration_us(config.cutoff_offset),
            period_us=duration_us(config.cutoff_every),
            lag_us=duration_us(config.settlement_lag),
        )

    def cutoff_after(self, ts_us: pl.Expr) -> pl.Expr:
        """The first cutoff strictly after each trade: a trade at a cutoff opens the next cycle."""
        periods = (ts_us - self.anchor_us) // self.period_us + 1
        return self.anchor_us + periods * self.period_us

    def next_batch_after(self, t_us: int) -> int:
        """The first settlement batch strictly after `t_us`; batches run at every cutoff + lag."""
        periods = (t_us - self.anchor_us - self.lag_us) // self.period_us + 1
        return self.anchor_us + self.lag_us + periods * self.period_us
