"""Ingest against local Binance and CoinGecko servers: real ccxt and pycoingecko, no mocks."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.cache import CacheKey, CandleCache
from pipelines.ingest.candles import day_start, validate_candles
from pipelines.ingest.coingecko_source import fetch_coingecko
from pipelines.ingest.ingest import ingest_ccxt, ingest_coingecko
from pipelines.ingest.retry import FetchError, RetryPolicy
from tests.integration.ingest.servers import (
    COINGECKO_OFFSET_MS,
    MINUTE_MS,
    BinanceServer,
    CoinGeckoServer,
    coingecko_point,
    expected_ohlcv,
    serving,
)

START = datetime(2022, 5, 7, tzinfo=UTC)
SYMBOLS = {"BTC/USDT": "BTCUSDT", "ETH/USDT": "ETHUSDT", "ETH/BTC": "ETHBTC"}
FAST = RetryPolicy(attempts=4, backoff_s=0.01, max_backoff_s=0.05, timeout_s=0.5)
KLINES = "/api/v3/klines"


@pytest.fixture
def binance() -> Iterator[BinanceServer]:
    with serving(BinanceServer()) as server:
        assert isinstance(server, BinanceServer)
        yield server


@pytest.fixture
def coingecko() -> Iterator[CoinGeckoServer]:
    with serving(CoinGeckoServer()) as server:
        assert isinstance(server, CoinGeckoServer)
        yield server


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def assert_cache_valid(cache: CandleCache) -> None:
    """Every day file present re-reads as a complete, valid day."""
    for path in cache.day_files():
        frame = pl.read_parquet(path)
        day = datetime.strptime(path.stem, "date=%Y-%m-%d").replace(tzinfo=UTC)
        validate_candles(frame, day, day + timedelta(days=1), str(path))
        if frame["timeframe"][0] == "1m":
            assert frame.height == 1440, path


def assert_exact(cache: CandleCache, symbol: str, days: int) -> None:
    key = CacheKey("ccxt:binance", symbol, "1m")
    got = cache.read(key, START, START + timedelta(days=days))
    want = expected_ohlcv(SYMBOLS[symbol], ms(START), ms(START + timedelta(days=days)), MINUTE_MS)
    rows = got.select(pl.col("ts").dt.epoch("ms").cast(pl.Float64), "open", "high", "low", "close",
                      "volume").rows()  # fmt: skip
    assert [list(r) for r in rows] == want
    assert set(got["pair"]) == {symbol}
    assert set(got["source"]) == {"ccxt:binance"}


def test_week_of_minutes_paginates_caches_and_refetches_nothing(
    binance: BinanceServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path / "candles_cache")
    end = START + timedelta(days=7)
    report = ingest_ccxt(cache, "binance", SYMBOLS, "1m", START, end, binance.url, policy=FAST)

    assert report.days_fetched == 21
    assert report.rows == 3 * 7 * 1440
    assert binance.requests[KLINES] == 3 * 7 * 2  # 1440 candles a day: two pages of <= 1000
    assert all(int(q["limit"]) <= 1000 for p, q, _ in binance.log if p == KLINES)
    for symbol in SYMBOLS:
        assert_exact(cache, symbol, 7)
    assert_cache_valid(cache)
    assert (
        tmp_path / "candles_cache/source=ccxt_binance/symbol=BTC-USDT/timeframe=1m"
        / "date=2022-05-07.parquet"
    ).is_file()  # fmt: skip
    listing = cache.list()
    assert listing.height == 3
    assert listing["rows"].to_list() == [10080] * 3
    assert listing["gaps"].to_list() == [0] * 3

    again = ingest_ccxt(cache, "binance", SYMBOLS, "1m", START, end, binance.url, policy=FAST)
    assert again.days_fetched == 0
    assert again.days_skipped == 21
    assert binance.requests[KLINES] == 42


def test_twenty_spread_faults_complete_exactly_or_fail_clearly(
    binance: BinanceServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path)
    binance.faults.spread(["429", "503", "hang", "truncated"], count=20, every=2)
    binance.hang_s = 1.0
    end = START + timedelta(days=7)  # 42 clean requests: the 40th is reached
    outcome: Exception | None = None
    try:
        ingest_ccxt(cache, "binance", SYMBOLS, "1m", START, end, binance.url, policy=FAST)
    except FetchError as error:
        outcome = error
    if outcome is None:
        for symbol in SYMBOLS:
            assert_exact(cache, symbol, 7)
    else:
        assert "ccxt:binance" in str(outcome)
        assert "2022-05" in str(outcome)
    assert sum(binance.faults.injected.values()) == 20
    assert_cache_valid(cache)


def test_truncated_and_out_of_order_pages_give_exact_rows(
    binance: BinanceServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path)
    binance.faults.queue = ["truncated", "shuffled", "truncated", "shuffled"]
    ingest_ccxt(cache, "binance", ["BTC/USDT"], "1m", START, START + timedelta(days=2),
                binance.url, policy=FAST)  # fmt: skip
    assert binance.faults.injected == {"truncated": 2, "shuffled": 2}
    assert_exact(cache, "BTC/USDT", 2)
    assert_cache_valid(cache)


def test_exhausted_budget_names_the_range_and_leaves_the_cache_as_it_was(
    binance: BinanceServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path)
    ingest_ccxt(cache, "binance", ["ETH/BTC"], "1m", START, START + timedelta(days=1),
                binance.url, policy=FAST)  # fmt: skip
    before = {p: p.read_bytes() for p in cache.day_files()}
    binance.faults.queue = ["429"] * 1000
    with pytest.raises(FetchError, match=r"ccxt:binance ETH/BTC 1m \[2022-05-08") as error:
        ingest_ccxt(cache, "binance", ["ETH/BTC"], "1m", START, START + timedelta(days=2),
                    binance.url, policy=FAST)  # fmt: skip
    assert "gave up after 4 attempts" in str(error.value)
    assert {p: p.read_bytes() for p in cache.day_files()} == before
    assert not list(tmp_path.rglob("*.tmp"))


def test_coingecko_retries_a_503_and_keeps_the_key_out_of_cache_and_errors(
    coingecko: CoinGeckoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "CG-sekrit-0123456789"
    monkeypatch.setenv("COINGECKO_API_KEY", secret)
    cache = CandleCache(tmp_path)
    coingecko.faults.queue = ["503"]
    report = ingest_coingecko(cache, ["bitcoin"], "usd", START, START + timedelta(days=1),
                              coingecko.url, policy=FAST)  # fmt: skip
    assert coingecko.faults.injected == {"503": 1}
    assert report.days_fetched == 1
    assert report.rows == 288
    frame = cache.read(CacheKey("coingecko", "BTC/USD", "5m"), START, START + timedelta(days=1))
    assert frame["timeframe"].unique().to_list() == ["5m"]
    first_price, first_volume = coingecko_point("bitcoin", ms(START) + COINGECKO_OFFSET_MS)
    assert frame.row(0, named=True)["open"] == first_price
    assert frame.row(0, named=True)["volume"] == first_volume
    assert (frame["open"] == frame["close"]).all()
    # pycoingecko 3.2 sends a pro key as the x_cg_pro_api_key query parameter, not a header
    assert all(query.get("x_cg_pro_api_key") == secret for _, query, _ in coingecko.log)
    assert all(secret.encode() not in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())

    coingecko.faults.queue = ["503"] * 50
    with pytest.raises(FetchError) as error:
        fetch_coingecko("ethereum", "usd", START, START + timedelta(days=1), coingecko.url,
                        policy=RetryPolicy(attempts=2, backoff_s=0.01, timeout_s=1.0))  # fmt: skip
    message = str(error.value)
    assert "coingecko ethereum/usd (ETH/USD)" in message
    assert "2022-05-07" in message
    assert secret not in message
    assert error.value.__cause__ is None


@pytest.mark.parametrize(
    ("days", "timeframe", "rows"), [(1, "5m", 288), (10, "1h", 240), (100, "1d", 100)]
)
def test_coingecko_granularity_sets_the_timeframe(
    coingecko: CoinGeckoServer, days: int, timeframe: str, rows: int
) -> None:
    frame = fetch_coingecko("ethereum", "usdt", START, START + timedelta(days=days),
                            coingecko.url, policy=FAST)  # fmt: skip
    assert frame["timeframe"].unique().to_list() == [timeframe]
    assert frame["pair"].unique().to_list() == ["ETH/USDT"]
    assert frame.height == rows
    validate_candles(frame, START, START + timedelta(days=days), "coingecko")
    assert frame["ts"][0] == day_start(START.date())
