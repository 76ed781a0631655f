"""Long to wide without hashing each row gives exactly what `pivot` gives, and leaves to
`pivot` whatever is not one shared grid."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from simulators.market_data.wide import wide_on_shared_grid

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _long(grids: dict[str, list[int]]) -> pl.DataFrame:
    rows = [
        (T0 + timedelta(seconds=s), pair, float(i), float(-i))
        for pair, seconds in grids.items()
        for i, s in enumerate(seconds)
    ]
    return pl.DataFrame(rows, schema=["ts", "pair", "price", "clean"], orient="row").with_columns(
        pl.col("ts").dt.cast_time_unit("us")
    )


def _pivoted(long: pl.DataFrame, values: list[str]) -> pl.DataFrame:
    return long.pivot(
        on="pair", index="ts", values=values, separator="|", maintain_order=True
    ).sort("ts")


@pytest.mark.parametrize("values", [["price"], ["price", "clean"]])
@pytest.mark.parametrize(
    "grids",
    [
        {"ETH/USD": [0, 1, 2], "BTC/USD": [0, 1, 2]},  # shared: side by side
        {"BTC/USD": [0]},
        {"BTC/USD": [0, 1, 2], "ETH/USD": [0, 2, 3]},  # different grids: pivot's nulls
        {"BTC/USD": [0, 2, 1], "ETH/USD": [0, 2, 1]},  # not in time order: pivot sorts
    ],
)
def test_the_same_frame_as_pivot(grids: dict[str, list[int]], values: list[str]) -> None:
    long = _long(grids)
    assert_frame_equal(wide_on_shared_grid(long, "pair", "ts", values, "|"), _pivoted(long, values))


def test_a_repeated_time_is_pivots_error() -> None:
    long = _long({"BTC/USD": [0, 0], "ETH/USD": [0, 0]})
    with pytest.raises(pl.exceptions.ComputeError):
        wide_on_shared_grid(long, "pair", "ts", ["price"])
