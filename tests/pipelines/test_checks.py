"""The contract checks every asset runs before it writes: time order is judged within the
contract's groups, whether or not the table is in time order as a whole."""

from datetime import UTC, datetime, timedelta

import polars as pl

from pipelines.checks import check_table
from pipelines.contracts import TableContract

T0 = datetime(2021, 5, 1, tzinfo=UTC)
SCHEMA = pl.Schema({"pair": pl.String(), "ts": pl.Datetime("us", "UTC")})
BY_PAIR = TableContract("test", "ticks", SCHEMA, ("pair", "ts"), "ts", ("pair",))


def _frame(rows: list[tuple[str, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(pair, T0 + timedelta(seconds=s)) for pair, s in rows], schema=SCHEMA, orient="row"
    )


def _time_order(frame: pl.DataFrame, contract: TableContract = BY_PAIR) -> tuple[bool, str]:
    outcome = next(o for o in check_table(frame, contract) if o.name == "time_ordered")
    return outcome.passed, outcome.description


def test_a_table_in_time_order_overall_passes() -> None:
    assert _time_order(_frame([("BTC", 0), ("ETH", 0), ("BTC", 1), ("ETH", 1)])) == (
        True,
        "ts non-decreasing within ['pair']",
    )


def test_groups_each_in_order_pass_though_the_whole_is_not() -> None:
    passed, _ = _time_order(_frame([("BTC", 0), ("BTC", 5), ("ETH", 1), ("ETH", 2)]))
    assert passed


def test_a_group_going_back_in_time_fails_with_its_count() -> None:
    frame = _frame([("BTC", 0), ("BTC", 5), ("ETH", 3), ("ETH", 2), ("ETH", 1)])
    assert _time_order(frame) == (False, "2 rows go backwards")


def test_without_groups_any_step_back_fails() -> None:
    ungrouped = TableContract("test", "ticks", SCHEMA, ("pair", "ts"), "ts")
    frame = _frame([("BTC", 0), ("BTC", 5), ("ETH", 1), ("ETH", 2)])
    assert _time_order(frame, ungrouped) == (False, "1 rows go backwards")
