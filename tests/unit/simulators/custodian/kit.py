"""Small hand-made inputs for the custodian tests: one desk trading BTC/USD on the exchange
(`ex_a`), settled into custody account `cust_a`, with hourly cutoffs."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from simulators.custodian import CustodianConfig, CustodianRun, Cycle, simulate_custodian
from simulators.custodian.schemas import INSTRUCTIONS, LINKS, OPENING_BALANCES
from simulators.schemas import FILLS
from simulators.venues.chaos import ChaosWindow

START = datetime(2021, 5, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
OPENING = {"BTC": 100.0, "USD": 10_000_000.0}
CYCLES: list[Cycle] = ["T+0", "T+1", "T+2"]


def hourly(cycle: Cycle = "T+1", **overrides: Any) -> CustodianConfig:
    return CustodianConfig(cycle=cycle, cutoff_every=HOUR, **overrides)


def fill(
    at: timedelta,
    side: str = "buy",
    qty: float = 1.0,
    price: float = 50_000.0,
    fee: float = 0.0,
    account_id: str = "ex_a",
    fill_id: str | None = None,
) -> dict[str, Any]:
    return {
        "ts": START + at,
        "fill_id": fill_id or f"f{int(at.total_seconds())}-{side}-{account_id}",
        "order_id": "o",
        "account_id": account_id,
        "pair": "BTC/USD",
        "side": side,
        "price": price,
        "qty": qty,
        "fee": fee,
        "fee_asset": "USD",
        "liquidity": "taker",
    }


def fills_frame(rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=FILLS)


def opening(balances: dict[str, float] = OPENING, account_id: str = "cust_a") -> pl.DataFrame:
    return pl.DataFrame(
        {"account_id": account_id, "asset": list(balances), "balance": list(balances.values())},
        schema=OPENING_BALANCES,
    )


def links(pairs: dict[str, str] | None = None) -> pl.DataFrame:
    pairs = pairs or {"ex_a": "cust_a"}
    return pl.DataFrame(
        {"exchange_account_id": list(pairs), "account_id": list(pairs.values())}, schema=LINKS
    )


def instruction(
    at: timedelta, instruction_id: str, direction: str, amount: float, asset: str = "BTC"
) -> dict[str, Any]:
    return {
        "ts": START + at,
        "instruction_id": instruction_id,
        "account_id": "cust_a",
        "asset": asset,
        "amount": amount,
        "direction": direction,
    }


def instructions_frame(rows: Sequence[dict[str, Any]] = ()) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=INSTRUCTIONS)


def window(
    kind: str, start: timedelta, end: timedelta, injection_id: str = "inj", **params: Any
) -> ChaosWindow:
    return ChaosWindow(injection_id, kind, START + start, START + end, params)


def run(
    fills: Sequence[dict[str, Any]],
    *,
    chaos: Sequence[ChaosWindow] = (),
    hours: int = 8,
    config: CustodianConfig | None = None,
    instructions: Sequence[dict[str, Any]] = (),
    balances: dict[str, float] = OPENING,
    seed: int = 1,
) -> CustodianRun:
    return simulate_custodian(
        fills_frame(fills),
        opening(balances),
        links(),
        instructions_frame(instructions),
        list(chaos),
        START,
        START + hours * HOUR,
        seed,
        config or hourly(),
    )


def visible(frame: pl.DataFrame, at: datetime) -> pl.DataFrame:
    """What a client had seen by `at`: rows whose available_at is not later."""
    return frame.filter(pl.col("available_at") <= at)


def latest(frame: pl.DataFrame, at: datetime, key: str = "settlement_id") -> pl.DataFrame:
    """Each subject's newest snapshot visible at `at`."""
    return visible(frame, at).sort("ts").group_by(key, maintain_order=True).last()


def steady_buying(hours: int, qty: float = 0.1) -> list[dict[str, Any]]:
    """A buy of `qty` BTC at 50 000 every 10 minutes: each hourly cycle owes custody 6·qty BTC
    and custody owes the exchange 300 000·qty USD."""
    return [fill(minute * MINUTE, "buy", qty) for minute in range(0, hours * 60, 10)]


def overdue(prod_settlements: pl.DataFrame, at: datetime) -> pl.DataFrame:
    """Settlements a client saw as past due and not settled at `at`, newest snapshot each."""
    return latest(prod_settlements, at).filter(
        pl.col("status") != "settled", pl.col("due_at") <= at
    )


def events_of(result: CustodianRun, settlement_id: str) -> list[tuple[str, str]]:
    events = result.settlement_events.filter(pl.col("settlement_id") == settlement_id)
    return list(events.select("event", "status").iter_rows())


def sid(asset: str, cutoff_hour: int) -> str:
    return f"ex_a/{asset}/2021-05-01T{cutoff_hour:02d}:00:00Z"
