"""The simulated exchange: synthetic books around the replayed reference, client orders matched
in price-time priority, balances per sub-account, chaos backdoors, and the prod view of it all.

Pure: frames, a frozen config and a seed in, frames out (see README.md in this folder).
"""

from simulators.exchange.backdoors import KINDS as CHAOS_KINDS
from simulators.exchange.backdoors import Backdoors
from simulators.exchange.config import (
    BookCalibration,
    ExchangeConfig,
    OrderEntryLatency,
    OrderResponseLatency,
)
from simulators.exchange.engine import Exchange
from simulators.exchange.market import MarketPath, build_markets
from simulators.exchange.simulate import ExchangeRun, simulate_exchange

__all__ = [
    "CHAOS_KINDS",
    "Backdoors",
    "BookCalibration",
    "Exchange",
    "ExchangeConfig",
    "ExchangeRun",
    "MarketPath",
    "OrderEntryLatency",
    "OrderResponseLatency",
    "build_markets",
    "simulate_exchange",
]
