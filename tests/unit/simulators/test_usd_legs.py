"""USD legs: breadth-first from the anchors, with USDC standing in for USD."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from simulators import MarketDataError, usd_legs

START = datetime(2021, 5, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def source_ticks(prices: dict[str, list[float]]) -> pl.DataFrame:
    return pl.concat(
        pl.DataFrame(
            {
                "ts": [START + i * SECOND for i in range(len(series))],
                "pair": pair,
                "price": series,
            },
            schema={"ts": pl.Datetime("us", "UTC"), "pair": pl.String(), "price": pl.Float64()},
        )
        for pair, series in prices.items()
    )


BUNDLED = {
    "BTC/USDT": [57_000.0, 57_100.0, 56_900.0],
    "ETH/BTC": [0.051, 0.0505, 0.0512],
    "ETH/USDT": [2_900.0, 2_910.0, 2_890.0],
    "USDC/USDT": [1.0002, 0.9998, 1.0011],
}


def by_asset(legs: pl.DataFrame) -> dict[str, list[float]]:
    return {
        str(asset): frame["usd_price"].to_list()
        for (asset,), frame in legs.partition_by("asset", as_dict=True).items()
    }


def test_usdt_is_one_over_usdc_usdt_and_btc_is_btc_usdt_times_usdt() -> None:
    legs, _ = usd_legs(source_ticks(BUNDLED))
    usd = by_asset(legs)
    assert usd["USDT"] == [1 / p for p in BUNDLED["USDC/USDT"]]
    assert usd["BTC"] == [p * q for p, q in zip(BUNDLED["BTC/USDT"], usd["USDT"], strict=True)]
    assert usd["ETH"] == [p * q for p, q in zip(BUNDLED["ETH/USDT"], usd["USDT"], strict=True)]
    assert usd["USD"] == [1.0, 1.0, 1.0]


def test_derivation_names_each_route_and_usdc_is_only_a_route() -> None:
    legs, derivation = usd_legs(source_ticks(BUNDLED))
    assert derivation == {
        "BTC": "BTC/USDT × USDT",
        "ETH": "ETH/USDT × USDT",
        "USD": "1 (anchor)",
        "USDT": "1 / USDC/USDT",
    }
    assert legs["asset"].unique().sort().to_list() == ["BTC", "ETH", "USD", "USDT"]


def test_legs_are_sorted_by_asset_then_time_with_the_schema() -> None:
    legs, _ = usd_legs(source_ticks(BUNDLED))
    assert legs.schema == pl.Schema(
        {"ts": pl.Datetime("us", "UTC"), "asset": pl.String(), "usd_price": pl.Float64()}
    )
    assert legs.equals(legs.sort("asset", "ts"))


def test_an_anchor_is_emitted_when_wanted() -> None:
    legs, derivation = usd_legs(source_ticks(BUNDLED), wanted={"USDC", "BTC"})
    assert derivation == {"BTC": "BTC/USDT × USDT", "USDC": "1 (anchor)"}
    assert by_asset(legs)["USDC"] == [1.0, 1.0, 1.0]


def test_the_shortest_route_wins() -> None:
    prices = BUNDLED | {"BTC/USD": [56_000.0, 56_500.0, 56_100.0]}
    legs, derivation = usd_legs(source_ticks(prices))
    assert derivation["BTC"] == "BTC/USD"
    assert by_asset(legs)["BTC"] == prices["BTC/USD"]
    # ETH is two hops either way (USD→BTC→ETH, USDC→USDT→ETH): the search leaves from the
    # anchors in sorted order, so USD's route is found first, every run.
    assert derivation["ETH"] == "ETH/BTC × BTC"


def test_an_unreachable_asset_is_not_emitted() -> None:
    legs, derivation = usd_legs(source_ticks({"XRP/EUR": [0.5, 0.6, 0.7]}))
    assert derivation == {"USD": "1 (anchor)"}
    assert legs["asset"].unique().to_list() == ["USD"]


def test_pairs_off_one_grid_are_refused() -> None:
    ticks = source_ticks(BUNDLED).filter(
        ~((pl.col("pair") == "BTC/USDT") & (pl.col("ts") == START + SECOND))
    )
    with pytest.raises(MarketDataError, match="BTC/USDT are not on one time grid"):
        usd_legs(ticks)
