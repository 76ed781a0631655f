"""A scenario's reference prices end to end: candles → ticks → legs → chaos → pairs."""

import io
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from scenarios import ValidScenario
from simulators import MarketDataError, publish_ticks, reference_prices
from simulators.schemas import MARKET_TICKS, REFERENCE_PRICES

START = datetime(2021, 5, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
CRASH = (
    "  - {id: crash, at: 30m, target: market_data, kind: crash,"
    " params: {drop: 0.15, over: 10m, shape: linear}}"
)
DEPEG = (
    "  - {id: depeg, at: 30m, target: market_data, kind: depeg,"
    " params: {asset: USDT, to: 0.97, over: 1h, shape: linear}}"
)


def prices_at(reference: pl.DataFrame, minute: float) -> dict[str, tuple[float, float]]:
    rows = reference.filter(pl.col("ts") == START + minute * MINUTE)
    return {
        p: (price, clean)
        for p, price, clean in rows.select("pair", "price", "price_clean").iter_rows()
    }


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def test_the_reference_covers_every_pair_at_every_second(
    bundled_candles: pl.DataFrame, make_scenario: Callable[..., ValidScenario]
) -> None:
    scenario = make_scenario()
    reference, derivation = reference_prices(bundled_candles, scenario)
    assert reference.schema == REFERENCE_PRICES
    assert reference.height == 7 * 7200
    assert reference.equals(reference.sort("pair", "ts"))
    assert set(reference["pair"].unique()) == set(scenario.spec.market.pairs)
    assert derivation == {
        "BTC": "BTC/USDT × USDT",
        "ETH": "ETH/USDT × USDT",
        "USD": "1 (anchor)",
        "USDT": "1 / USDC/USDT",
    }
    assert reference["price"].equals(reference["price_clean"].alias("price"))


def test_cross_rates_are_consistent_over_all_output_pairs(
    bundled_candles: pl.DataFrame, make_scenario: Callable[..., ValidScenario]
) -> None:
    reference, _ = reference_prices(bundled_candles, make_scenario(f"{CRASH}\n{DEPEG}"))
    wide = reference.pivot(on="pair", index="ts", values="price")
    pairs = [c for c in wide.columns if c != "ts"]
    triangles = 0
    for left, right in itertools.permutations(pairs, 2):
        (a, b), (c, d) = left.split("/"), right.split("/")
        if b == c and f"{a}/{d}" in pairs:  # a/b × b/d == a/d
            product = wide[left] * wide[right]
            assert ((product / wide[f"{a}/{d}"] - 1).abs() < 1e-12).all(), (left, right)
            triangles += 1
    assert triangles >= 4  # e.g. BTC/ETH × ETH/USD, USDT/BTC × BTC/USD, USDT/ETH × ETH/USD


def test_a_crash_takes_btc_and_eth_down_15_percent_and_spares_usdt(
    bundled_candles: pl.DataFrame, make_scenario: Callable[..., ValidScenario]
) -> None:
    reference, _ = reference_prices(bundled_candles, make_scenario(CRASH))
    before, mid, after = (
        prices_at(reference, 29),
        prices_at(reference, 35),
        prices_at(reference, 119),
    )
    for pair in ("BTC/USD", "ETH/USD"):
        assert before[pair][0] == before[pair][1]
        assert mid[pair][0] / mid[pair][1] == pytest.approx(0.925, rel=1e-12)
        assert after[pair][0] / after[pair][1] == pytest.approx(0.85, rel=1e-12)
    assert after["USDT/USD"][0] == after["USDT/USD"][1]
    assert after["BTC/ETH"][0] == pytest.approx(after["BTC/ETH"][1], rel=1e-12)


def test_a_depeg_moves_usdt_usd_to_97_cents_and_lifts_btc_usdt(
    bundled_candles: pl.DataFrame, make_scenario: Callable[..., ValidScenario]
) -> None:
    reference, _ = reference_prices(bundled_candles, make_scenario(DEPEG))
    start, done = prices_at(reference, 30), prices_at(reference, 90)
    assert start["USDT/USD"][0] == start["USDT/USD"][1]
    assert done["USDT/USD"][0] / done["USDT/USD"][1] == pytest.approx(0.97, rel=1e-12)
    assert done["BTC/USDT"][0] / done["BTC/USDT"][1] == pytest.approx(1 / 0.97, rel=1e-12)
    assert done["BTC/USD"][0] == done["BTC/USD"][1]


def test_same_scenario_same_bytes(
    bundled_candles: pl.DataFrame, make_scenario: Callable[..., ValidScenario]
) -> None:
    scenario = make_scenario(CRASH)
    runs = []
    for _ in range(2):
        reference, _ = reference_prices(bundled_candles, scenario)
        ticks = publish_ticks(reference, scenario.spec.seed)
        assert ticks.schema == MARKET_TICKS
        runs.append((parquet_bytes(reference), parquet_bytes(ticks)))
    assert runs[0] == runs[1]


def test_a_gap_in_a_pair_nobody_needs_does_not_fail_the_run(
    bundled_candles: pl.DataFrame, make_scenario: Callable[..., ValidScenario]
) -> None:
    # ETH/BTC is not on any USD route (USDT prices both BTC and ETH in fewer hops).
    holed = bundled_candles.filter(
        ~((pl.col("pair") == "ETH/BTC") & (pl.col("ts") == START + 10 * MINUTE))
    )
    reference, _ = reference_prices(holed, make_scenario())
    assert reference.height == 7 * 7200


def test_a_gap_on_a_route_fails_the_run(
    bundled_candles: pl.DataFrame, make_scenario: Callable[..., ValidScenario]
) -> None:
    holed = bundled_candles.filter(
        ~((pl.col("pair") == "BTC/USDT") & (pl.col("ts") == START + 10 * MINUTE))
    )
    with pytest.raises(
        MarketDataError,
        match=r"^BTC/USDT 1m: no candles for 2021-05-01T00:10:00Z\.\.2021-05-01T00:11:00Z$",
    ):
        reference_prices(holed, make_scenario())


def test_an_asset_without_a_usd_route_is_an_error(
    bundled_candles: pl.DataFrame, make_scenario: Callable[..., ValidScenario]
) -> None:
    without_usdc = bundled_candles.filter(pl.col("pair") != "USDC/USDT")
    with pytest.raises(MarketDataError, match="test.yaml: no USD leg for BTC, ETH, USDT"):
        reference_prices(without_usdc, make_scenario())
