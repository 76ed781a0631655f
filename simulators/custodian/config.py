"""The custodian's terms (settlement cycle, cutoffs, polling) and its processing latencies."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from simulators.latency import Latency

Cycle = Literal["T+0", "T+1", "T+2"]
CYCLE_LAG = {"T+0": 0, "T+1": 1, "T+2": 2}
DEFAULT_DECIMALS = {"USD": 2, "USDT": 6, "USDC": 6}


@dataclass(frozen=True)
class CustodianApiLatency(Latency):
    """A custodian's REST API: slower than an exchange's, sometimes by seconds."""

    median: timedelta = timedelta(milliseconds=300)
    sigma: float = 0.6
    cap: timedelta = timedelta(seconds=10)


@dataclass(frozen=True)
class DepositProcessing(Latency):
    """From accepting a deposit to crediting it: chain confirmations, compliance screening."""

    median: timedelta = timedelta(minutes=30)
    sigma: float = 0.6
    cap: timedelta = timedelta(hours=6)


@dataclass(frozen=True)
class WithdrawalProcessing(Latency):
    """From accepting a withdrawal to sending it: approvals and signing take longer than credits."""

    median: timedelta = timedelta(hours=1)
    sigma: float = 0.6
    cap: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class CustodianConfig:
    """Settlement terms and API behaviour.

    Cutoffs fall at `00:00 UTC + cutoff_offset + k·cutoff_every` (daily at midnight by default);
    a cycle's obligations are due `N·cutoff_every` after its cutoff for T+N, or `t0_processing`
    after it for T+0. `decimals` sets an asset's smallest unit: cents for USD, 10^-6 for the
    USD stablecoins (their on-chain unit), 10^-8 (`default_decimals`) for everything else.
    """

    cycle: Cycle = "T+1"
    cutoff_every: timedelta = timedelta(days=1)
    cutoff_offset: timedelta = timedelta(0)
    t0_processing: timedelta = timedelta(minutes=30)
    poll_every: timedelta = timedelta(seconds=60)
    settled_listed_for: timedelta = timedelta(hours=1)
    api_latency: Latency = CustodianApiLatency()
    deposit_processing: Latency = DepositProcessing()
    withdrawal_processing: Latency = WithdrawalProcessing()
    decimals: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_DECIMALS))
    default_decimals: int = 8

    def __post_init__(self) -> None:
        if self.cycle not in CYCLE_LAG:
            raise ValueError(f"cycle must be one of {', '.join(CYCLE_LAG)}, got {self.cycle!r}")
        for name in ("cutoff_every", "poll_every", "t0_processing"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if self.settled_listed_for < timedelta(0):
            raise ValueError(f"settled_listed_for must not be negative: {self.settled_listed_for}")
        for asset, places in {**self.decimals, "default": self.default_decimals}.items():
            # 10^places units of a few million whole units must stay exact in an int64 and a float
            if not 0 <= places <= 8:
                raise ValueError(f"decimals for {asset} must be in 0..8, got {places}")

    @property
    def settlement_lag(self) -> timedelta:
        """From a cycle's cutoff to its due time."""
        lag = CYCLE_LAG[self.cycle]
        return self.t0_processing if lag == 0 else lag * self.cutoff_every

    def places(self, asset: str) -> int:
        return self.decimals.get(asset, self.default_decimals)
