"""Cycles: which cutoff a trade falls in, netting, and when T+0/T+1/T+2 obligations fall due."""

from datetime import timedelta

import polars as pl
import pytest

from simulators.custodian import CustodianConfig, Cycle
from simulators.custodian.schemas import SETTLEMENTS
from tests.unit.simulators.custodian.kit import HOUR, MINUTE, START, fill, hourly, run


@pytest.mark.parametrize(
    ("cycle", "due_after_cutoff"),
    [("T+0", 30 * MINUTE), ("T+1", HOUR), ("T+2", 2 * HOUR)],
)
def test_obligations_fall_due_n_periods_after_their_cutoff(
    cycle: Cycle, due_after_cutoff: timedelta
) -> None:
    result = run([fill(10 * MINUTE)], config=hourly(cycle))
    assert result.settlements.schema == SETTLEMENTS
    cutoff = START + HOUR
    assert set(result.settlements["cycle_cutoff"]) == {cutoff}
    assert set(result.settlements["due_at"]) == {cutoff + due_after_cutoff}
    assert set(result.settlements["settled_at"]) == {cutoff + due_after_cutoff}
    assert set(result.settlements["status"]) == {"settled"}


def test_t0_processing_delay_is_configurable() -> None:
    result = run([fill(10 * MINUTE)], config=hourly("T+0", t0_processing=5 * MINUTE))
    assert set(result.settlements["due_at"]) == {START + HOUR + 5 * MINUTE}


def test_default_cutoff_is_daily_at_midnight_utc() -> None:
    result = run([fill(3 * HOUR)], hours=60, config=CustodianConfig())
    assert set(result.settlements["cycle_cutoff"]) == {START + 24 * HOUR}
    assert set(result.settlements["due_at"]) == {START + 48 * HOUR}


def test_a_trade_at_a_cutoff_opens_the_next_cycle() -> None:
    result = run([fill(HOUR - timedelta(microseconds=1), fill_id="a"), fill(HOUR, fill_id="b")])
    btc = result.settlements.filter(pl.col("asset") == "BTC")
    assert btc["cycle_cutoff"].to_list() == [START + HOUR, START + 2 * HOUR]


def test_a_cycle_nets_per_asset_and_signs_say_which_way_it_moves() -> None:
    # bought 2 BTC at 50k, sold 0.5 at 52k, paid 30 USD fees: the exchange account is +1.5 BTC
    # and −(100 000 − 26 000 + 30) USD, so 1.5 BTC go to custody and custody pays 74 030 USD
    result = run(
        [
            fill(5 * MINUTE, "buy", 2.0, 50_000.0, fee=20.0),
            fill(20 * MINUTE, "sell", 0.5, 52_000.0, fee=10.0),
        ]
    )
    amounts = dict(result.settlements.select("asset", "amount").iter_rows())
    assert amounts == {"BTC": 1.5, "USD": -74_030.0}


def test_a_cycle_that_nets_to_zero_owes_nothing() -> None:
    result = run([fill(5 * MINUTE, "buy", 1.0), fill(6 * MINUTE, "sell", 1.0)])
    assert result.settlements.is_empty()


def test_a_cycle_still_open_at_the_run_end_is_not_instructed() -> None:
    result = run([fill(10 * MINUTE), fill(HOUR + 30 * MINUTE)], hours=2)
    assert set(result.settlements["cycle_cutoff"]) == {START + HOUR}
