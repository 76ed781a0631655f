"""The input contract, checked at the door: declared columns and dtypes, no nulls (except in the
columns a table declares nullable), sane values.

Extra columns are dropped, so nothing downstream can come to depend on them.
"""

import polars as pl

from risk_monitor.errors import InputContractError
from risk_monitor.schemas import (
    ACCOUNT_BALANCES,
    API_STATUS,
    EXCHANGE_ORDERS,
    MARKET_TICKS,
    SETTLEMENTS,
)

MARKET_TICKS_TABLE = "prod.market_ticks"
ACCOUNT_BALANCES_TABLE = "prod.account_balances"
SETTLEMENTS_TABLE = "prod.settlements"
EXCHANGE_ORDERS_TABLE = "prod.exchange_orders"
API_STATUS_TABLE = "prod.api_status"
SETTLEMENT_STATUSES = ("pending", "partial", "settled", "rejected")
ORDER_STATUSES = ("accepted", "rejected", "partially_filled", "filled", "cancelled")


def describe_dtype(dtype: pl.DataType) -> str:
    """Short dtype names for messages: "Datetime(us, UTC)" rather than polars' long repr."""
    if isinstance(dtype, pl.Datetime):
        zone = f", {dtype.time_zone}" if dtype.time_zone else ""
        return f"Datetime({dtype.time_unit}{zone})"
    return str(dtype)


def _schema_problems(frame: pl.DataFrame, table: str, schema: pl.Schema) -> list[str]:
    problems = []
    for column, expected in schema.items():
        actual = frame.schema.get(column)
        if actual is None:
            problems.append(f"{table}: missing column {column!r} ({describe_dtype(expected)})")
        elif actual != expected:
            problems.append(
                f"{table}: column {column!r} has type {describe_dtype(actual)}, "
                f"expected {describe_dtype(expected)}"
            )
    return problems


def _first_bad_row(frame: pl.DataFrame, bad: pl.Expr) -> tuple[int, int] | None:
    """(count, index of the first row) where `bad` holds, or None if no row is bad."""
    rows = frame.with_row_index("row").filter(bad)["row"]
    return None if rows.is_empty() else (rows.len(), int(rows[0]))


def _value_problems(frame: pl.DataFrame, table: str, rules: dict[str, pl.Expr]) -> list[str]:
    # whether each rule is broken at all, in one pass of parallel reductions: rows are only
    # looked for where one is (inputs are almost always clean)
    broken = frame.select(bad.any().alias(str(i)) for i, bad in enumerate(rules.values()))
    problems = []
    for (complaint, bad), hit in zip(rules.items(), broken.row(0) if rules else (), strict=True):
        found = _first_bad_row(frame, bad) if hit else None
        if found is not None:
            count, first = found
            problems.append(f"{table}: {complaint} in {count} row(s), first at row {first}")
    return problems


def _checked(
    frame: pl.DataFrame,
    table: str,
    schema: pl.Schema,
    rules: dict[str, pl.Expr],
    nullable: tuple[str, ...] = (),
) -> pl.DataFrame:
    problems = _schema_problems(frame, table, schema)
    if problems:
        raise InputContractError("\n".join(problems))
    declared = frame.select(schema.names())
    null_rules = {
        f"column {c!r} is null": pl.col(c).is_null() for c in schema.names() if c not in nullable
    }
    problems = _value_problems(declared, table, null_rules)
    if not problems:  # value rules only make sense on complete rows: nulls are reported alone
        problems = _value_problems(declared, table, rules)
    if problems:
        raise InputContractError("\n".join(problems))
    return declared


# an API cannot show something before it happened: a row visible before its own ts is corrupt
_PUBLISHED_AFTER_EVENT = {
    "column 'available_at' is earlier than 'ts'": pl.col("available_at") < pl.col("ts")
}
_PAIR_FORM = {
    "column 'pair' is not of the form 'BASE/QUOTE'": ~pl.col("pair").str.contains(r"^[^/]+/[^/]+$")
}


def _one_of(column: str, allowed: tuple[str, ...]) -> dict[str, pl.Expr]:
    return {f"column {column!r} is not one of {', '.join(allowed)}": ~pl.col(column).is_in(allowed)}


def checked_market_ticks(frame: pl.DataFrame) -> pl.DataFrame:
    """prod.market_ticks restricted to its declared columns, or InputContractError."""
    price = pl.col("price")
    return _checked(
        frame,
        MARKET_TICKS_TABLE,
        MARKET_TICKS,
        {
            # prices are inverted (USD/X) and multiplied into values: 0, inf or NaN poison both
            "column 'price' is not a positive finite number": ~(price.is_finite() & (price > 0)),
            **_PAIR_FORM,
            **_PUBLISHED_AFTER_EVENT,
        },
    )


def checked_account_balances(frame: pl.DataFrame) -> pl.DataFrame:
    """prod.account_balances restricted to its declared columns, or InputContractError."""
    return _checked(
        frame,
        ACCOUNT_BALANCES_TABLE,
        ACCOUNT_BALANCES,
        {
            "column 'balance' is not a finite number": ~pl.col("balance").is_finite(),
            **_PUBLISHED_AFTER_EVENT,
        },
    )


def checked_settlements(frame: pl.DataFrame) -> pl.DataFrame:
    """prod.settlements restricted to its declared columns, or InputContractError."""
    return _checked(
        frame,
        SETTLEMENTS_TABLE,
        SETTLEMENTS,
        {
            "column 'amount' is not a finite number": ~pl.col("amount").is_finite(),
            "column 'settled_amount' is not a finite number": ~pl.col("settled_amount").is_finite(),
            **_one_of("status", SETTLEMENT_STATUSES),
            **_PUBLISHED_AFTER_EVENT,
        },
    )


def checked_exchange_orders(frame: pl.DataFrame) -> pl.DataFrame:
    """prod.exchange_orders restricted to its declared columns, or InputContractError.

    avg_price (nothing filled yet) and reason (none given) may be null."""
    filled, avg_price = pl.col("filled_qty"), pl.col("avg_price")
    return _checked(
        frame,
        EXCHANGE_ORDERS_TABLE,
        EXCHANGE_ORDERS,
        {
            **_one_of("status", ORDER_STATUSES),
            "column 'filled_qty' is not a non-negative finite number": ~(
                filled.is_finite() & (filled >= 0)
            ),
            "column 'avg_price' is not a positive finite number": avg_price.is_not_null()
            & ~(avg_price.is_finite() & (avg_price > 0)),
            **_PAIR_FORM,
            **_PUBLISHED_AFTER_EVENT,
        },
        nullable=("avg_price", "reason"),
    )


def checked_api_status(frame: pl.DataFrame) -> pl.DataFrame:
    """prod.api_status restricted to its declared columns, or InputContractError.

    error may be null (a call that succeeded has none)."""
    latency = pl.col("latency_ms")
    return _checked(
        frame,
        API_STATUS_TABLE,
        API_STATUS,
        {
            "column 'latency_ms' is not a non-negative finite number": ~(
                latency.is_finite() & (latency >= 0)
            ),
            **_PUBLISHED_AFTER_EVENT,
        },
        nullable=("error",),
    )
