"""Which candles a scenario's `market.source` gets: bundled, or cached by `riskproof ingest`."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.cache import CacheKey, CandleCache
from pipelines.resources.market_source import MarketDataUnavailable, MarketSource
from simulators.schemas import CANDLES

DAY = datetime(2022, 5, 9, tzinfo=UTC)


def day_of(source: str, pair: str, timeframe: str, price: float, day: datetime) -> pl.DataFrame:
    step = {"1m": timedelta(minutes=1), "1h": timedelta(hours=1)}[timeframe]
    count = timedelta(days=1) // step
    return pl.DataFrame(
        {
            "ts": [day + i * step for i in range(count)],
            "source": source, "pair": pair, "timeframe": timeframe,
            "open": price, "high": price, "low": price, "close": price, "volume": 1.0,
        },
        schema=CANDLES,
    )  # fmt: skip


def fill(cache: CandleCache, source: str, pair: str, timeframe: str, days: int) -> None:
    key = CacheKey(source, pair, timeframe)
    for n in range(days):
        day = DAY + timedelta(days=n)
        cache.write_day(key, day.date(), day_of(source, pair, timeframe, 1.0 + n, day))


@pytest.fixture
def cache(tmp_path: Path) -> CandleCache:
    cache = CandleCache(tmp_path / "cache")
    fill(cache, "ccxt:binance", "BTC/USDT", "1m", 2)
    fill(cache, "ccxt:binance", "BTC/USDT", "1h", 3)
    fill(cache, "file:kraken", "USDC/USDT", "1h", 3)
    return cache


def source_over(cache: CandleCache) -> MarketSource:
    return MarketSource(cache_dir=str(cache.root))


def test_cache_picks_the_finest_series_covering_the_window_per_pair(cache: CandleCache) -> None:
    start = DAY + timedelta(hours=12)
    candles = source_over(cache).candles("cache", start, start + timedelta(hours=6))
    chosen = candles.group_by("source", "pair", "timeframe").len().sort("pair").rows()
    assert chosen == [
        ("ccxt:binance", "BTC/USDT", "1m", 360),
        ("file:kraken", "USDC/USDT", "1h", 6),
    ]


def test_a_window_past_the_fine_series_falls_back_to_a_coarser_complete_one(
    cache: CandleCache,
) -> None:
    start = DAY + timedelta(days=2, hours=1, minutes=30)
    candles = source_over(cache).candles("ccxt:binance", start, start + timedelta(hours=2))
    # The hourly candle opened at 01:00 covers 01:30, so it is included.
    assert candles["timeframe"].unique().to_list() == ["1h"]
    assert candles["ts"].to_list() == [DAY + timedelta(days=2, hours=h) for h in (1, 2, 3)]


def test_a_named_source_sees_only_its_own_series(cache: CandleCache) -> None:
    candles = source_over(cache).candles("file:kraken", DAY, DAY + timedelta(hours=1))
    assert candles["pair"].unique().to_list() == ["USDC/USDT"]


def test_nothing_covering_names_the_source_what_is_cached_and_the_fix(cache: CandleCache) -> None:
    with pytest.raises(MarketDataUnavailable) as caught:
        source_over(cache).candles("coingecko", DAY, DAY + timedelta(hours=1))
    assert str(caught.value) == (
        "no cached candles from 'coingecko' cover every day of 2022-05-09T00:00Z..2022-05-09T01:00Z"
        " (cached for that source: nothing); fill the cache with `riskproof ingest`"
    )


def test_the_bundle_serves_the_library_windows() -> None:
    start = datetime(2022, 5, 11, tzinfo=UTC)
    candles = MarketSource().candles("bundled", start, start + timedelta(hours=1))
    assert candles.group_by("pair").len().sort("pair").rows() == [
        ("BTC/USDT", 60), ("USDC/USDT", 60)
    ]  # fmt: skip
