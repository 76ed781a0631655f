"""Output pairs are ratios of USD legs, with and without chaos."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from simulators import MarketDataError, cross_pairs

START = datetime(2021, 5, 1, tzinfo=UTC)
LEGS = pl.DataFrame(
    {
        "ts": [START, START + timedelta(seconds=1)] * 3,
        "asset": ["BTC", "BTC", "ETH", "ETH", "USD", "USD"],
        "usd_price": [50_000.0, 40_000.0, 2_500.0, 2_000.0, 1.0, 1.0],
        "usd_price_clean": [50_000.0, 50_000.0, 2_500.0, 2_500.0, 1.0, 1.0],
    },
    schema_overrides={"ts": pl.Datetime("us", "UTC")},
)


def test_price_is_base_usd_over_quote_usd_sorted_by_pair_then_time() -> None:
    reference = cross_pairs(LEGS, ["ETH/USD", "BTC/ETH", "BTC/USD"])
    assert reference.rows() == [
        (START, "BTC/ETH", 20.0, 20.0),
        (START + timedelta(seconds=1), "BTC/ETH", 20.0, 20.0),
        (START, "BTC/USD", 50_000.0, 50_000.0),
        (START + timedelta(seconds=1), "BTC/USD", 40_000.0, 50_000.0),
        (START, "ETH/USD", 2_500.0, 2_500.0),
        (START + timedelta(seconds=1), "ETH/USD", 2_000.0, 2_500.0),
    ]


def test_a_pair_without_a_usd_leg_is_an_error() -> None:
    with pytest.raises(MarketDataError, match="USDT/USD: no USD leg for USDT"):
        cross_pairs(LEGS, ["BTC/USD", "USDT/USD"])
