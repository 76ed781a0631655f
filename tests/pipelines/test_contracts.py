"""The prod tables the simulators publish are exactly what the risk monitor declares it reads.

The monitor may not import our schemas (it must run in production unchanged), so the two sides
each declare the contract; this test is what keeps them the same."""

import pytest

import risk_monitor.schemas as monitor
import simulators.schemas as published


@pytest.mark.parametrize("table", ["MARKET_TICKS", "ACCOUNT_BALANCES"])
def test_published_prod_tables_match_the_monitor_input_contract(table: str) -> None:
    assert getattr(published, table) == getattr(monitor, table)
    assert list(getattr(published, table)) == list(getattr(monitor, table))
