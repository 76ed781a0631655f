"""The input contract is checked at the door; every error names the table and the column."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from risk_monitor import InputContractError, Limits, evaluate, limits_from_mapping
from risk_monitor.schemas import ACCOUNT_BALANCES, API_STATUS, EXCHANGE_ORDERS, MARKET_TICKS

T0 = datetime(2024, 3, 4, tzinfo=UTC)
LIMITS: Limits = limits_from_mapping(
    {
        "version": 1,
        "rules": {"portfolio_drawdown": {"lookback": "1h", "warning": 0.03, "breach": 0.05}},
    },
    "test",
)
TICKS = pl.DataFrame(
    [(T0, "BTC/USD", 60_000.0, T0), (T0, "ETH/USD", 3_000.0, T0 + timedelta(seconds=1))],
    schema=MARKET_TICKS,
    orient="row",
)
BALANCES = pl.DataFrame(
    [(T0, "desk_a", "exchange", "BTC", 2.0, T0), (T0, "desk_a", "exchange", "ETH", 10.0, T0)],
    schema=ACCOUNT_BALANCES,
    orient="row",
)


def contract_error(ticks: pl.DataFrame = TICKS, balances: pl.DataFrame = BALANCES) -> str:
    with pytest.raises(InputContractError) as raised:
        evaluate(ticks, balances, LIMITS, T0, T0 + timedelta(seconds=2))
    return str(raised.value)


def test_wrong_dtype_names_table_column_and_both_types() -> None:
    ticks = TICKS.with_columns(pl.col("available_at").dt.to_string())

    assert contract_error(ticks=ticks) == (
        "prod.market_ticks: column 'available_at' has type String, expected Datetime(us, UTC)"
    )


@pytest.mark.parametrize(
    ("dtype", "shown"),
    [
        (pl.Datetime("ns", "UTC"), "Datetime(ns, UTC)"),
        (pl.Datetime("us"), "Datetime(us)"),
        (pl.Datetime("us", "Europe/London"), "Datetime(us, Europe/London)"),
    ],
)
def test_other_time_units_and_zones_are_refused(dtype: pl.DataType, shown: str) -> None:
    balances = BALANCES.with_columns(pl.col("ts").cast(dtype))

    assert contract_error(balances=balances) == (
        f"prod.account_balances: column 'ts' has type {shown}, expected Datetime(us, UTC)"
    )


def test_every_missing_or_mistyped_column_is_listed() -> None:
    balances = BALANCES.drop("venue").with_columns(pl.col("balance").cast(pl.Int64))

    assert contract_error(balances=balances) == (
        "prod.account_balances: missing column 'venue' (String)\n"
        "prod.account_balances: column 'balance' has type Int64, expected Float64"
    )


def test_null_in_a_column_names_it_and_the_first_row() -> None:
    ticks = TICKS.with_columns(pair=pl.when(pl.col("price") < 10_000).then(pl.col("pair")))

    assert contract_error(ticks=ticks) == (
        "prod.market_ticks: column 'pair' is null in 1 row(s), first at row 0"
    )


@pytest.mark.parametrize(
    ("ticks", "problem"),
    [
        (
            TICKS.with_columns(price=pl.lit(0.0)),
            "column 'price' is not a positive finite number in 2 row(s), first at row 0",
        ),
        (
            TICKS.with_columns(price=pl.lit(float("nan"))),
            "column 'price' is not a positive finite number in 2 row(s), first at row 0",
        ),
        (
            TICKS.with_columns(pair=pl.lit("BTCUSD")),
            "column 'pair' is not of the form 'BASE/QUOTE' in 2 row(s), first at row 0",
        ),
        (
            TICKS.with_columns(available_at=pl.col("ts") - timedelta(microseconds=1)),
            "column 'available_at' is earlier than 'ts' in 2 row(s), first at row 0",
        ),
    ],
)
def test_impossible_tick_values(ticks: pl.DataFrame, problem: str) -> None:
    assert contract_error(ticks=ticks) == f"prod.market_ticks: {problem}"


def test_non_finite_balance() -> None:
    balances = BALANCES.with_columns(balance=pl.lit(float("inf")))

    assert contract_error(balances=balances) == (
        "prod.account_balances: column 'balance' is not a finite number in 2 row(s), first at row 0"
    )


def test_extra_columns_are_ignored() -> None:
    end = T0 + timedelta(seconds=2)
    plain = evaluate(TICKS, BALANCES, LIMITS, T0, end)

    extra = evaluate(
        TICKS.with_columns(source=pl.lit("feed_a")),
        BALANCES.with_columns(poller=pl.lit(7)),
        LIMITS,
        T0,
        end,
    )

    assert extra.signals.equals(plain.signals)


def test_naive_evaluation_times_are_refused() -> None:
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        evaluate(TICKS, BALANCES, LIMITS, T0.replace(tzinfo=None), T0)


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="is before start"):
        evaluate(TICKS, BALANCES, LIMITS, T0, T0 - timedelta(seconds=1))


# ---- prod.exchange_orders and prod.api_status: optional inputs, checked like the others ----

ORDERS = pl.DataFrame(
    [
        (T0, "o1", "desk_a", "BTC/USD", "accepted", 0.0, None, None, T0),
        (T0, "o1", "desk_a", "BTC/USD", "filled", 0.5, 60_000.0, None, T0),
        (T0, "o2", "desk_a", "BTC/USD", "rejected", 0.0, None, "insufficient margin", T0),
    ],
    schema=EXCHANGE_ORDERS,
    orient="row",
)
API = pl.DataFrame(
    [
        (T0, "custodian", "settlements", True, None, 120.0, T0),
        (T0, "custodian", "balances", False, "HTTP 503", 5_000.0, T0),
    ],
    schema=API_STATUS,
    orient="row",
)


def optional_error(orders: pl.DataFrame = ORDERS, api: pl.DataFrame = API) -> str:
    with pytest.raises(InputContractError) as raised:
        evaluate(TICKS, BALANCES, LIMITS, T0, T0, exchange_orders=orders, api_status=api)
    return str(raised.value)


def test_optional_inputs_with_their_nullable_columns_null_are_accepted() -> None:
    output = evaluate(TICKS, BALANCES, LIMITS, T0, T0, exchange_orders=ORDERS, api_status=API)

    assert output.signals.height == 1


@pytest.mark.parametrize(
    ("orders", "problem"),
    [
        (
            ORDERS.drop("reason"),
            "prod.exchange_orders: missing column 'reason' (String)",
        ),
        (
            ORDERS.with_columns(order_id=pl.when(pl.col("status") != "filled").then("order_id")),
            "prod.exchange_orders: column 'order_id' is null in 1 row(s), first at row 1",
        ),
        (
            ORDERS.with_columns(status=pl.lit("new")),
            "prod.exchange_orders: column 'status' is not one of accepted, rejected, "
            "partially_filled, filled, cancelled in 3 row(s), first at row 0",
        ),
        (
            ORDERS.with_columns(filled_qty=pl.lit(-1.0)),
            "prod.exchange_orders: column 'filled_qty' is not a non-negative finite number "
            "in 3 row(s), first at row 0",
        ),
        (
            ORDERS.with_columns(avg_price=pl.col("avg_price").fill_null(0.0)),
            "prod.exchange_orders: column 'avg_price' is not a positive finite number "
            "in 2 row(s), first at row 0",
        ),
        (
            ORDERS.with_columns(pair=pl.lit("BTCUSD")),
            "prod.exchange_orders: column 'pair' is not of the form 'BASE/QUOTE' "
            "in 3 row(s), first at row 0",
        ),
        (
            ORDERS.with_columns(available_at=pl.col("ts") - timedelta(seconds=1)),
            "prod.exchange_orders: column 'available_at' is earlier than 'ts' "
            "in 3 row(s), first at row 0",
        ),
    ],
)
def test_bad_exchange_orders(orders: pl.DataFrame, problem: str) -> None:
    assert optional_error(orders=orders) == problem


@pytest.mark.parametrize(
    ("api", "problem"),
    [
        (
            API.with_columns(pl.col("ok").cast(pl.String)),
            "prod.api_status: column 'ok' has type String, expected Boolean",
        ),
        (
            API.with_columns(ok=pl.lit(None, pl.Boolean)),
            "prod.api_status: column 'ok' is null in 2 row(s), first at row 0",
        ),
        (
            API.with_columns(latency_ms=pl.lit(float("nan"))),
            "prod.api_status: column 'latency_ms' is not a non-negative finite number "
            "in 2 row(s), first at row 0",
        ),
        (
            API.with_columns(available_at=pl.col("ts") - timedelta(seconds=1)),
            "prod.api_status: column 'available_at' is earlier than 'ts' "
            "in 2 row(s), first at row 0",
        ),
    ],
)
def test_bad_api_status(api: pl.DataFrame, problem: str) -> None:
    assert optional_error(api=api) == problem
