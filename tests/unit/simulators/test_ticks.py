"""Ticks stay inside their candles, hit every anchor, and are seeded per pair."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators import MarketDataError, synthesize_ticks
from simulators.schemas import CANDLES

START = datetime(2021, 5, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
# Resolutions that give a 1m candle 4 or more grid points: room for all four anchors.
ROOMY_RESOLUTIONS = [timedelta(seconds=s) for s in (1, 2, 3, 4, 5, 6, 10, 12, 15)]
COLUMNS = ("ts", "pair", "timeframe", "open", "high", "low", "close")


def candle_frame(rows: Sequence[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(
        [dict(zip(COLUMNS, row, strict=True)) | {"source": "test", "volume": 1.0} for row in rows],
        schema=CANDLES,
    )


@st.composite
def candle_rows(draw: st.DrawFn) -> pl.DataFrame:
    """1 to 5 consecutive valid 1m candles of one pair, flat and extreme ones included."""
    rows = []
    for i in range(draw(st.integers(1, 5))):
        low = draw(st.floats(1e-6, 1e6))
        high = low * (1 + draw(st.sampled_from([0.0, 1e-9, 0.001, 0.5, 3.0])))
        # open and close anywhere in the range, ends included; min/max guard against rounding
        open_, close = (min(high, low + draw(st.floats(0.0, 1.0)) * (high - low)) for _ in range(2))
        rows.append((START + i * MINUTE, "BTC/USDT", "1m", open_, high, low, close))
    return candle_frame(rows)


def per_candle(ticks: pl.DataFrame) -> pl.DataFrame:
    return ticks.group_by_dynamic("ts", every="1m").agg(
        first=pl.col("price").first(),
        last=pl.col("price").last(),
        max=pl.col("price").max(),
        min=pl.col("price").min(),
    )


@settings(max_examples=200, deadline=None)
@given(
    candles=candle_rows(), resolution=st.sampled_from(ROOMY_RESOLUTIONS), seed=st.integers(0, 2**32)
)
def test_ticks_stay_in_the_candle_and_touch_every_anchor(
    candles: pl.DataFrame, resolution: timedelta, seed: int
) -> None:
    end = START + candles.height * MINUTE
    ticks = synthesize_ticks(candles, START, end, resolution, seed)
    assert ticks.height == candles.height * (MINUTE // resolution)
    seen = per_candle(ticks).join(candles, on="ts")
    assert seen.height == candles.height
    assert (seen["first"] == seen["open"]).all()
    assert (seen["last"] == seen["close"]).all()
    assert (seen["max"] == seen["high"]).all()
    assert (seen["min"] == seen["low"]).all()


@pytest.mark.parametrize(
    ("resolution", "expected"),
    [
        (timedelta(seconds=60), [100.0]),
        (timedelta(seconds=30), [100.0, 101.0]),
        # the open already sits on the low, so the middle point takes the high
        (timedelta(seconds=20), [100.0, 105.0, 101.0]),
    ],
)
def test_candles_with_few_points_keep_open_then_close_then_the_missing_extreme(
    resolution: timedelta, expected: list[float]
) -> None:
    candles = candle_frame([(START, "BTC/USDT", "1m", 100.0, 105.0, 100.0, 101.0)])
    ticks = synthesize_ticks(candles, START, START + MINUTE, resolution, seed=1)
    assert ticks["price"].to_list() == expected


def test_ticks_are_on_the_grid_sorted_by_pair_then_time(
    walk_candles: Callable[..., pl.DataFrame],
) -> None:
    candles = pl.concat(
        [
            walk_candles("ETH/USDT", "1m", START, 3, 2900.0, 1),
            walk_candles("BTC/USDT", "1m", START, 3, 57000.0, 2),
        ]
    )
    ticks = synthesize_ticks(
        candles, START + timedelta(seconds=30), START + 2 * MINUTE, timedelta(seconds=15), 0
    )
    assert ticks.schema == pl.Schema(
        {"ts": pl.Datetime("us", "UTC"), "pair": pl.String(), "price": pl.Float64()}
    )
    times = [START + timedelta(seconds=s) for s in (30, 45, 60, 75, 90, 105)]
    assert ticks["pair"].to_list() == ["BTC/USDT"] * 6 + ["ETH/USDT"] * 6
    assert ticks["ts"].to_list() == times * 2


def test_same_seed_same_ticks_other_seed_other_path(
    walk_candles: Callable[..., pl.DataFrame],
) -> None:
    candles = walk_candles("BTC/USDT", "1m", START, 10, 57000.0, 1)
    window = (START, START + 10 * MINUTE, timedelta(seconds=1))
    first = synthesize_ticks(candles, *window, seed=5)
    assert first.equals(synthesize_ticks(candles, *window, seed=5))
    assert not first.equals(synthesize_ticks(candles, *window, seed=6))


def test_adding_a_pair_does_not_change_another_pairs_ticks(
    walk_candles: Callable[..., pl.DataFrame],
) -> None:
    btc = walk_candles("BTC/USDT", "1m", START, 10, 57000.0, 1)
    eth = walk_candles("ETH/USDT", "1m", START, 10, 2900.0, 2)
    window = (START, START + 10 * MINUTE, timedelta(seconds=1))
    alone = synthesize_ticks(btc, *window, seed=5)
    together = synthesize_ticks(pl.concat([eth, btc]), *window, seed=5)
    assert together.filter(pl.col("pair") == "BTC/USDT").equals(alone)


def test_a_maintenance_gap_names_the_pair_and_the_missing_range() -> None:
    day = datetime(2021, 4, 25, tzinfo=UTC)
    opens = [day.replace(hour=3, minute=59), day.replace(hour=8, minute=45)]
    candles = candle_frame([(ts, "BTC/USDT", "1m", 1.0, 1.0, 1.0, 1.0) for ts in opens])
    with pytest.raises(MarketDataError) as error:
        synthesize_ticks(candles, opens[0], opens[1] + MINUTE, timedelta(seconds=1), seed=0)
    assert (
        str(error.value) == "BTC/USDT 1m: no candles for 2021-04-25T04:00:00Z..2021-04-25T08:45:00Z"
    )


def test_a_window_outside_the_data_is_a_gap(walk_candles: Callable[..., pl.DataFrame]) -> None:
    candles = walk_candles("ETH/BTC", "1m", START, 2, 0.05, 1)
    with pytest.raises(
        MarketDataError,
        match=r"^ETH/BTC 1m: no candles for "
        r"2021-05-01T00:02:00Z\.\.2021-05-01T00:03:00Z$",
    ):
        synthesize_ticks(candles, START, START + 3 * MINUTE, timedelta(seconds=1), seed=0)


def test_a_timeframe_must_be_a_multiple_of_the_resolution(
    walk_candles: Callable[..., pl.DataFrame],
) -> None:
    candles = walk_candles("BTC/USDT", "1m", START, 1, 1.0, 1)
    with pytest.raises(MarketDataError, match="not a multiple of the resolution 7s"):
        synthesize_ticks(candles, START, START + MINUTE, timedelta(seconds=7), seed=0)


def test_an_impossible_candle_is_refused_by_time() -> None:
    candles = candle_frame([(START, "BTC/USDT", "1m", 10.0, 9.0, 8.0, 8.5)])
    with pytest.raises(MarketDataError, match="BTC/USDT 1m: candle at 2021-05-01T00:00:00Z"):
        synthesize_ticks(candles, START, START + MINUTE, timedelta(seconds=1), seed=0)


def test_duplicate_candles_are_refused() -> None:
    row = (START, "BTC/USDT", "1m", 1.0, 1.0, 1.0, 1.0)
    with pytest.raises(MarketDataError, match="duplicate or overlapping candles"):
        synthesize_ticks(candle_frame([row, row]), START, START + MINUTE, timedelta(seconds=1), 0)


def test_a_window_may_start_inside_a_candle(walk_candles: Callable[..., pl.DataFrame]) -> None:
    candles = walk_candles("USDC/USDT", "1h", START, 2, 1.0, 4)
    whole = synthesize_ticks(candles, START, START + timedelta(hours=2), timedelta(seconds=1), 0)
    assert whole.height == 7200
    assert whole["price"][3600] == candles["open"][1]
    inside = synthesize_ticks(
        candles, START + 30 * MINUTE, START + 90 * MINUTE, timedelta(seconds=1), 0
    )
    assert inside["ts"][0] == START + 30 * MINUTE
    assert inside.height == 3600


def test_a_window_off_the_candle_grid_is_refused(walk_candles: Callable[..., pl.DataFrame]) -> None:
    candles = walk_candles("BTC/USDT", "1m", START, 2, 1.0, 1)
    half_second = START + timedelta(milliseconds=500)
    with pytest.raises(MarketDataError, match="candle open times are not on the window's grid"):
        synthesize_ticks(candles, half_second, half_second + MINUTE, timedelta(seconds=1), 0)
