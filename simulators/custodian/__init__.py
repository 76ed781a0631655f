"""The custodian simulator: custody accounts, off-exchange settlement of exchange trading in
T+0/T+1/T+2 cycles, deposits and withdrawals, and the backdoors that break them. See README.md."""

from simulators.custodian.chaos import CUSTODIAN_CHAOS_KINDS
from simulators.custodian.config import (
    CustodianApiLatency,
    CustodianConfig,
    Cycle,
    DepositProcessing,
    WithdrawalProcessing,
)
from simulators.custodian.obligations import FILL_LEGS, fill_legs
from simulators.custodian.simulate import CustodianRun, simulate_custodian

__all__ = [
    "CUSTODIAN_CHAOS_KINDS",
    "FILL_LEGS",
    "CustodianApiLatency",
    "CustodianConfig",
    "CustodianRun",
    "Cycle",
    "DepositProcessing",
    "WithdrawalProcessing",
    "fill_legs",
    "simulate_custodian",
]
