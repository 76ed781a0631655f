"""The prod tables the simulators publish are exactly what the risk monitor declares it reads.

The monitor may not import our schemas (it must run in production unchanged), so the two sides
each declare the contract; this test is what keeps them the same."""

import polars as pl
import pytest

import risk_monitor.schemas as monitor
from pipelines.contracts import CONTRACTS

# prod table -> the monitor's declaration of it. prod.exchange_orders carries one more column
# (`action`) than the monitor reads; the monitor's contract drops extra columns at the door.
READ_BY_THE_MONITOR = {
    "prod.market_ticks": monitor.MARKET_TICKS,
    "prod.account_balances": monitor.ACCOUNT_BALANCES,
    "prod.settlements": monitor.SETTLEMENTS,
    "prod.exchange_orders": monitor.EXCHANGE_ORDERS,
    "prod.api_status": monitor.API_STATUS,
}


@pytest.mark.parametrize("table", sorted(READ_BY_THE_MONITOR))
def test_published_prod_tables_carry_every_column_the_monitor_reads(table: str) -> None:
    published: pl.Schema = CONTRACTS[table].columns
    declared = READ_BY_THE_MONITOR[table]
    assert {name: published.get(name) for name in declared} == dict(declared)


def test_every_prod_table_the_monitor_reads_is_published_with_its_visibility_time() -> None:
    for table in READ_BY_THE_MONITOR:
        assert CONTRACTS[table].published, table
