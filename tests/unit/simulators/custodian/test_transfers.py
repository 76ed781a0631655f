"""Deposits and withdrawals: their lifecycle, their latency, and rejections with reasons."""

import polars as pl

from simulators.custodian.schemas import TRANSFER_EVENTS
from tests.unit.simulators.custodian.kit import (
    HOUR,
    MINUTE,
    START,
    instruction,
    latest,
    run,
    window,
)


def _lifecycle(result_transfers: pl.DataFrame, instruction_id: str) -> list[str]:
    return result_transfers.filter(pl.col("instruction_id") == instruction_id)["status"].to_list()


def test_a_deposit_is_requested_pending_then_credited_after_a_processing_delay() -> None:
    result = run([], instructions=[instruction(10 * MINUTE, "d1", "deposit", 2.5, "ETH")])
    assert result.transfers.schema == TRANSFER_EVENTS
    assert _lifecycle(result.transfers, "d1") == ["requested", "pending", "completed"]
    completed = result.transfers.filter(pl.col("status") == "completed")["ts"][0]
    assert START + 10 * MINUTE < completed <= START + 10 * MINUTE + 6 * HOUR
    eth = result.balances.filter(pl.col("asset") == "ETH")
    assert eth.select("ts", "balance").rows() == [(completed, 2.5)]
    # the API shows it from the first poll after the credit
    shown = result.prod_balances.filter(pl.col("asset") == "ETH")
    assert shown["ts"].min() > completed
    assert (shown["balance"] == 2.5).all()


def test_a_withdrawal_beyond_the_available_balance_is_rejected_with_a_reason() -> None:
    result = run([], instructions=[instruction(10 * MINUTE, "w1", "withdrawal", 100.5)])
    assert _lifecycle(result.transfers, "w1") == ["requested", "rejected"]
    rejected = result.transfers.filter(pl.col("status") == "rejected").row(0, named=True)
    assert rejected["reason"] == (
        "insufficient available balance: requested 100.5 BTC, available 100.0 BTC"
    )
    assert result.ledger.is_empty()


def test_a_pending_withdrawal_holds_its_funds() -> None:
    result = run(
        [],
        instructions=[
            instruction(10 * MINUTE, "w1", "withdrawal", 60.0),
            instruction(11 * MINUTE, "w2", "withdrawal", 60.0),
        ],
    )
    assert _lifecycle(result.transfers, "w1") == ["requested", "pending", "completed"]
    assert _lifecycle(result.transfers, "w2") == ["requested", "rejected"]
    reason = result.transfers.filter(pl.col("status") == "rejected")["reason"][0]
    assert reason.endswith("available 40.0 BTC")
    btc = result.balances.filter(pl.col("asset") == "BTC")["balance"].to_list()
    assert btc == [100.0, 40.0]


def test_an_offline_custodian_takes_requests_on_and_completes_nothing_until_it_is_back() -> None:
    offline = window("custodian_offline", 0 * HOUR, 2 * HOUR, "down")
    result = run([], chaos=[offline], instructions=[instruction(10 * MINUTE, "d1", "deposit", 1.0)])
    events = result.transfers.filter(pl.col("instruction_id") == "d1")
    assert events.select("status", "ts").rows()[:2] == [
        ("requested", START + 10 * MINUTE),
        ("pending", START + 2 * HOUR),
    ]
    # the client saw no balance at all until the custodian answered again
    assert result.prod_balances["ts"].min() == START + 2 * HOUR
    assert latest(result.prod_balances, START + 8 * HOUR, key="asset").height == 2
