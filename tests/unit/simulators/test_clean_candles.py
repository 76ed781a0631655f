"""The clean-candles stage: every failure kind with the exact message a user sees, and the
declared repairs with the evidence rows they leave."""

from datetime import timedelta

import polars as pl
import pytest

from simulators.market_data.candles import NO_REPAIRS, CandleError, Cleaning, clean_candles
from tests.unit.simulators.conftest import START, random_walk_candles

END = START + timedelta(minutes=120)


def walk(count: int = 120) -> pl.DataFrame:
    return random_walk_candles("BTC/USDT", "1m", START, count, 50_000.0, seed=3)


def with_row(frame: pl.DataFrame, index: int, **values: float) -> pl.DataFrame:
    """`frame` with the candle at `index` given new values."""
    return frame.with_columns(
        **{
            name: pl.when(pl.int_range(pl.len()) == index).then(value).otherwise(pl.col(name))
            for name, value in values.items()
        }
    )


def error_of(candles: pl.DataFrame, cleaning: Cleaning = NO_REPAIRS) -> str:
    with pytest.raises(CandleError) as caught:
        clean_candles(candles, START, END, cleaning)
    return str(caught.value)


AT_10 = "test BTC/USDT 1m candle at 2021-05-01T00:10:00Z"


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"open": float("nan")}, "non-finite price or volume (1 rows)"),
        ({"low": 0.0}, "non-positive price (1 rows)"),
        ({"close": -5.0, "low": -5.0}, "non-positive price (1 rows)"),
        ({"high": 49_000.0, "low": 49_500.0}, "high < low (1 rows)"),
        ({"open": 60_000.0}, "open outside [low, high] (1 rows)"),
        ({"close": 1.0}, "close outside [low, high] (1 rows)"),
        ({"volume": -1.0}, "negative volume (1 rows)"),
    ],
)
def test_a_broken_candle_is_named_with_its_problem(values: dict[str, float], problem: str) -> None:
    assert error_of(with_row(walk(), 10, **values)) == f"{AT_10}: {problem}"


def test_a_missing_price_is_named() -> None:
    candles = walk().with_columns(
        open=pl.when(pl.int_range(pl.len()) == 10).then(None).otherwise(pl.col("open"))
    )
    assert error_of(candles) == f"{AT_10}: a price is missing (1 rows)"


def test_a_duplicate_candle_is_named() -> None:
    candles = pl.concat([walk(), walk().slice(10, 1)])
    assert error_of(candles) == f"{AT_10}: duplicate candle"


def test_time_running_backwards_is_named_with_its_source_row() -> None:
    candles = walk()
    swapped = pl.concat([candles.slice(0, 10), candles.slice(11, 1), candles.slice(10, 1),
                         candles.slice(12)])  # fmt: skip
    assert error_of(swapped) == f"{AT_10}: non-monotonic time (source row 12, after a later candle)"


def test_an_outlier_wick_is_an_error_unless_clipping_is_declared() -> None:
    candles = walk()
    body = max(candles["open"][10], candles["close"][10])
    spiked = with_row(candles, 10, high=body * 3.0)
    assert error_of(spiked) == (
        f"{AT_10}: outlier wick: high {body * 3.0:g} is 200% above the candle body (limit 5% and "
        "50× the local range; 1 such candle); declare market.cleaning.clip_wicks: true to clip "
        "them to the body"
    )
    cleaned, repairs = clean_candles(spiked, START, END, Cleaning(clip_wicks=True))
    assert cleaned["high"][10] == body
    assert repairs.select("repair", "field", "original", "repaired").rows() == [
        ("wick_clipped", "high", body * 3.0, body)
    ]


def test_a_long_wick_in_a_violent_neighbourhood_is_kept() -> None:
    """A crash bar's 8% wick among bars ranging 2% is the market, not a bad print."""
    candles = walk().with_columns(
        high=pl.col("high") * 1.02, low=pl.col("low") / 1.02
    )  # every bar ranges about 4%
    low = min(candles["open"][10], candles["close"][10]) * 0.92
    crashed = with_row(candles, 10, low=low)
    cleaned, repairs = clean_candles(crashed, START, END, Cleaning())
    assert cleaned["low"][10] == low
    assert repairs.is_empty()


def test_a_gap_longer_than_declared_is_named_with_its_range() -> None:
    gapped = walk().filter(~pl.int_range(pl.len()).is_between(10, 14))
    assert error_of(gapped, Cleaning(fill_gaps=4)) == (
        "test BTC/USDT 1m: gap of 5 bars from 2021-05-01T00:10:00Z to 2021-05-01T00:15:00Z "
        "(1 gap longer than market.cleaning.fill_gaps: 4)"
    )


def test_a_declared_gap_fill_is_flat_at_the_last_close_and_recorded() -> None:
    candles = walk()
    gapped = candles.filter(~pl.int_range(pl.len()).is_between(10, 14))
    cleaned, repairs = clean_candles(gapped, START, END, Cleaning(fill_gaps=5))
    last_close = candles["close"][9]
    filled = cleaned.slice(10, 5)
    assert cleaned.height == 120
    assert filled.select("open", "high", "low", "close").unique().rows() == [(last_close,) * 4]
    assert filled["volume"].to_list() == [0.0] * 5
    assert repairs["repair"].to_list() == ["gap_filled"] * 5
    assert repairs["original"].null_count() == 5


def test_a_gap_at_the_window_start_cannot_be_filled() -> None:
    late = walk().slice(3)
    assert error_of(late, Cleaning(fill_gaps=100)) == (
        "test BTC/USDT 1m: candles only from 2021-05-01T00:03:00Z at the window start "
        "2021-05-01T00:00:00Z; a gap at the start cannot be filled from an earlier close"
    )


def test_clean_candles_pass_through_unchanged_and_sorted() -> None:
    candles = pl.concat([walk(), random_walk_candles("ETH/USDT", "1m", START, 120, 3_000.0, 4)])
    cleaned, repairs = clean_candles(candles.reverse().sort("pair", "ts"), START, END)
    assert cleaned.equals(candles.sort("pair", "ts"))
    assert repairs.is_empty()
