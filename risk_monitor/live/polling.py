"""What one poll of a source returns, and how a call to a venue becomes a prod.api_status row."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

import polars as pl

from risk_monitor.schemas import ACCOUNT_BALANCES, API_STATUS, MARKET_TICKS, SETTLEMENTS

Clock = Callable[[], datetime]
Result = TypeVar("Result")


@dataclass(frozen=True, eq=False)
class Polled:
    """Rows of the prod tables one poll produced; each frame exactly its schema."""

    market_ticks: pl.DataFrame = field(default_factory=MARKET_TICKS.to_frame)
    account_balances: pl.DataFrame = field(default_factory=ACCOUNT_BALANCES.to_frame)
    settlements: pl.DataFrame = field(default_factory=SETTLEMENTS.to_frame)
    api_status: pl.DataFrame = field(default_factory=API_STATUS.to_frame)


class PollSource(Protocol):
    """Anything the loop polls each cycle: an exchange through ccxt, a custodian adapter."""

    name: str

    def poll(self, clock: Clock) -> Polled:
        """One poll; never raises for a venue's failure (that is an api_status row)."""
        ...


@dataclass(frozen=True)
class Call(Generic[Result]):
    """A venue call's outcome: its result (None if it failed) and its prod.api_status row."""

    result: Result | None
    status: dict[str, object]


def timed_call(
    venue: str,
    endpoint: str,
    call: Callable[[], Result],
    clock: Clock,
    redact: tuple[str, ...] = (),
) -> Call[Result]:
    """Run `call`, catching any exception: a failing venue must not stop the monitor, it is what
    api_unavailable watches. `redact` strings (credentials) never reach the error text."""
    started = clock()
    result: Result | None = None
    error: str | None = None
    try:
        result = call()
    except Exception as failure:  # noqa: BLE001 - every failure is an outcome to record
        error = f"{type(failure).__name__}: {' '.join(str(failure).split())}"[:300]
        for secret in redact:
            error = error.replace(secret, "***")
    answered = clock()
    status = {
        "ts": started,
        "venue": venue,
        "endpoint": endpoint,
        "ok": error is None,
        "error": error,
        "latency_ms": max(0.0, (answered - started).total_seconds() * 1000),
        "available_at": answered,
    }
    return Call(result, status)


def frame(rows: list[dict[str, object]], schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else schema.to_frame()
