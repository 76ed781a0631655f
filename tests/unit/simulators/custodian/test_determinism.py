"""Same inputs, same frames byte for byte; the seed drives only the random draws."""

import io
from dataclasses import fields

import polars as pl

from simulators.custodian import CustodianRun
from tests.unit.simulators.custodian.kit import (
    HOUR,
    MINUTE,
    instruction,
    run,
    steady_buying,
    window,
)


def _run(seed: int) -> CustodianRun:
    chaos = [
        window("settlement_rejects", 2 * HOUR, 4 * HOUR, "r", fraction=0.5),
        window("partial_settlement", 3 * HOUR, 5 * HOUR, "p", fraction=0.5),
        window("custodian_offline", 5 * HOUR, 6 * HOUR, "o"),
        window("settlement_delay", 1 * HOUR, 2 * HOUR, "d", by="45m"),
    ]
    transfers = [
        instruction(30 * MINUTE, "d1", "deposit", 3.0),
        instruction(40 * MINUTE, "w1", "withdrawal", 50.0),
    ]
    return run(steady_buying(6), chaos=chaos, instructions=transfers, hours=10, seed=seed)


def _bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def test_the_same_run_twice_is_byte_identical() -> None:
    first, second = _run(seed=5), _run(seed=5)
    for table in fields(CustodianRun):
        assert _bytes(getattr(first, table.name)) == _bytes(getattr(second, table.name)), table.name


def test_another_seed_changes_latencies_not_obligations() -> None:
    first, other = _run(seed=5), _run(seed=6)
    assert first.settlements.select("settlement_id", "amount", "due_at").equals(
        other.settlements.select("settlement_id", "amount", "due_at")
    )
    assert not first.api_status["available_at"].equals(other.api_status["available_at"])


def test_every_prod_row_becomes_visible_no_earlier_than_it_happened() -> None:
    result = _run(seed=5)
    for prod in (result.prod_settlements, result.prod_balances, result.api_status):
        assert (prod["available_at"] >= prod["ts"]).all()
