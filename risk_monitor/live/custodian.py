"""The custodian side: an adapter interface, and the poller that turns one into prod rows.

No concrete custodian ships: every custodian (Fireblocks, Copper, BitGo, a prime broker) has its
own API and credentials, and none has a local wire-format stand-in to test against. A deployment
implements `CustodianAdapter` for its custodian and passes `CustodianPoller(adapter)` to the loop.
"""

from collections.abc import Callable
from typing import Protocol

import polars as pl

from risk_monitor.live.polling import Call, Clock, Polled, frame, timed_call
from risk_monitor.schemas import ACCOUNT_BALANCES, API_STATUS, SETTLEMENTS


class CustodianAdapter(Protocol):
    """One custodian's API. Each method makes one call and raises on failure (the poller records
    the failure in prod.api_status). `available_at` may be left null: the poller sets it to the
    receive time, as the loop's clock reads it."""

    name: str

    def fetch_balances(self) -> pl.DataFrame:
        """prod.account_balances rows (schemas.ACCOUNT_BALANCES) of the custody accounts."""
        ...

    def fetch_settlements(self) -> pl.DataFrame:
        """prod.settlements rows (schemas.SETTLEMENTS): one per open or recent settlement."""
        ...


def _received(call: Call[pl.DataFrame], schema: pl.Schema) -> pl.DataFrame:
    if call.result is None:
        return schema.to_frame()
    received = pl.lit(call.status["available_at"], schema["available_at"])
    # a custodian clock running ahead must not break the contract's available_at >= ts
    return call.result.cast(schema).with_columns(
        ts=pl.min_horizontal("ts", received), available_at=received
    )


class CustodianPoller:
    """A CustodianAdapter as a loop source; endpoints `balances` and `settlements`."""

    def __init__(self, adapter: CustodianAdapter) -> None:
        self.adapter = adapter
        self.name = adapter.name

    def poll(self, clock: Clock) -> Polled:
        fetches: list[tuple[str, Callable[[], pl.DataFrame]]] = [
            ("balances", self.adapter.fetch_balances),
            ("settlements", self.adapter.fetch_settlements),
        ]
        balances, settlements = (timed_call(self.name, e, f, clock) for e, f in fetches)
        return Polled(
            account_balances=_received(balances, ACCOUNT_BALANCES),
            settlements=_received(settlements, SETTLEMENTS),
            api_status=frame([balances.status, settlements.status], API_STATUS),
        )
