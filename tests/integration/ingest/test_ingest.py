"""Ingest against local Binance, Bybit and CoinGecko servers: the real ccxt and pycoingecko."""

import traceback
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import ccxt
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
    BybitServer,
    CoinGeckoServer,
    KlineRow,
    Request,
    bybit_kline,
    coingecko_point,
    expected_ohlcv,
    kline,
)

START = datetime(2022, 5, 7, tzinfo=UTC)
FAST = RetryPolicy(attempts=4, backoff_s=0.01, max_backoff_s=0.05, timeout_s=0.5)
# backoffs long enough to tell apart from ccxt's own request throttling (~60 ms a Binance page);
# these tests count every request and inject no hang, so a page the loaded CI machine served in
# over half a second must not time out and be asked again (it once did: one call too many)
MEASURED = RetryPolicy(attempts=4, backoff_s=0.1, max_backoff_s=0.4, timeout_s=10.0)
KLINES = "/api/v3/klines"
BYBIT_KLINES = "/v5/market/kline"
BYBIT_INSTRUMENTS = "/v5/market/instruments-info"
CHART = "/api/v3/coins/{}/market_chart/range"


@dataclass(frozen=True)
class Venue:
    exchange_id: str
    ids: dict[str, str]  # unified ccxt symbol -> the venue's own market id
    row: KlineRow


BINANCE = Venue(
    "binance", {"BTC/USDT": "BTCUSDT", "ETH/USDT": "ETHUSDT", "ETH/BTC": "ETHBTC"}, kline
)
BYBIT = Venue("bybit", {"BTC/USDT": "BTCUSDT", "ETH/USDC": "ETHUSDC"}, bybit_kline)
SYMBOLS = BINANCE.ids


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


def assert_exact(cache: CandleCache, symbol: str, days: int, venue: Venue = BINANCE) -> None:
    source = f"ccxt:{venue.exchange_id}"
    got = cache.read(CacheKey(source, symbol, "1m"), START, START + timedelta(days=days))
    end = ms(START + timedelta(days=days))
    want = expected_ohlcv(venue.ids[symbol], ms(START), end, MINUTE_MS, venue.row)
    rows = got.select(pl.col("ts").dt.epoch("ms").cast(pl.Float64), "open", "high", "low", "close",
                      "volume").rows()  # fmt: skip
    assert [list(r) for r in rows] == want
    assert set(got["pair"]) == {symbol}
    assert set(got["source"]) == {source}


def assert_backed_off(calls: list[Request], policy: RetryPolicy, kinds: tuple[str, ...]) -> None:
    """After each request failed with one of `kinds`, the client waited at least the policy's
    backoff for that attempt (it doubles along a run of failures) before asking again."""
    streak = 0
    for before, after in pairwise(calls):
        streak = streak + 1 if before.fault in kinds else 0
        if streak:
            wait = min(policy.max_backoff_s, policy.backoff_s * 2 ** (streak - 1))
            assert after.at - before.at >= wait, (streak, after.at - before.at)


def day_files(cache: CandleCache) -> set[str]:
    return {str(p.relative_to(cache.root)) for p in cache.day_files()}


def test_week_of_minutes_paginates_caches_and_refetches_nothing(
    binance: BinanceServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path / "candles_cache")
    end = START + timedelta(days=7)
    report = ingest_ccxt(cache, "binance", SYMBOLS, "1m", START, end, binance.url, policy=FAST)

    assert report.days_fetched == 21
    assert report.rows == 3 * 7 * 1440
    assert binance.requests[KLINES] == 3 * 7 * 2  # 1440 candles a day: two pages of <= 1000
    assert all(int(r.query["limit"]) <= 1000 for r in binance.calls(KLINES))
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


def test_binance_rate_limit_backs_off_and_completes_exactly(
    binance: BinanceServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path)
    binance.faults.queue = ["429"] * 3  # one short of the budget of 4 attempts
    report = ingest_ccxt(cache, "binance", ["BTC/USDT", "ETH/BTC"], "1m", START,
                         START + timedelta(days=2), binance.url, policy=MEASURED)  # fmt: skip

    calls = binance.calls(KLINES)
    assert [c.status for c in calls] == [429] * 3 + [200] * 8  # 2 symbols x 2 days x 2 pages
    assert_backed_off(calls, MEASURED, kinds=("429",))
    assert report.days_fetched == 4
    for symbol in ("BTC/USDT", "ETH/BTC"):
        assert_exact(cache, symbol, 2)
    assert_cache_valid(cache)


def test_binance_permanent_rate_limit_keeps_only_complete_days(
    binance: BinanceServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path)
    # requests 1-4 are BTC/USDT's first two days, 5 the first page of its third; from the
    # second page of that day on, every answer is -1003
    binance.faults.at = {n: "429" for n in range(6, 100)}
    with pytest.raises(FetchError) as error:
        ingest_ccxt(cache, "binance", ["BTC/USDT", "ETH/USDT"], "1m", START,
                    START + timedelta(days=3), binance.url, policy=FAST)  # fmt: skip

    message = str(error.value)
    assert message.startswith(
        "ccxt:binance BTC/USDT 1m [2022-05-09T00:00:00+00:00, 2022-05-10T00:00:00+00:00)"
    )
    # ccxt raises Binance's 429 as DDoSProtection; the message keeps Binance's own reason
    assert "gave up after 4 attempts (DDoSProtection: binance 429 Too Many Requests" in message
    assert '"code":-1003' in message
    assert [c.status for c in binance.calls(KLINES)] == [200] * 5 + [429] * 4
    assert_backed_off(binance.calls(KLINES), FAST, kinds=("429",))
    prefix = "source=ccxt_binance/symbol=BTC-USDT/timeframe=1m/date="
    assert day_files(cache) == {f"{prefix}2022-05-07.parquet", f"{prefix}2022-05-08.parquet"}
    assert_exact(cache, "BTC/USDT", 2)
    assert_cache_valid(cache)
    assert not list(tmp_path.rglob("*.tmp"))


def test_bybit_days_of_minutes_map_venue_ids_cache_and_refetch_nothing(
    bybit: BybitServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path)
    end = START + timedelta(days=3)
    report = ingest_ccxt(cache, "bybit", BYBIT.ids, "1m", START, end, bybit.url, policy=FAST)

    assert report.days_fetched == 6
    assert report.rows == 2 * 3 * 1440
    assert set(bybit.requests) == {BYBIT_INSTRUMENTS, BYBIT_KLINES}
    assert [r.query for r in bybit.calls(BYBIT_INSTRUMENTS)] == [{"category": "spot"}]
    klines = bybit.calls(BYBIT_KLINES)
    assert len(klines) == 2 * 3 * 2  # 1440 candles a day: two pages of <= 1000
    # ccxt asked with Bybit's own ids, in the spot category, within the page limit
    assert {r.query["symbol"] for r in klines} == {"BTCUSDT", "ETHUSDC"}
    assert all(r.query["category"] == "spot" and r.query["interval"] == "1" for r in klines)
    assert all(int(r.query["limit"]) <= 1000 for r in klines)
    for symbol in BYBIT.ids:
        assert_exact(cache, symbol, 3, BYBIT)
    assert_cache_valid(cache)
    assert (tmp_path / "source=ccxt_bybit/symbol=ETH-USDC/timeframe=1m/date=2022-05-09.parquet"
            ).is_file()  # fmt: skip
    listing = cache.list()
    assert listing["symbol"].to_list() == ["BTC/USDT", "ETH/USDC"]
    assert listing["rows"].to_list() == [4320, 4320]
    assert listing["gaps"].to_list() == [0, 0]

    again = ingest_ccxt(cache, "bybit", BYBIT.ids, "1m", START, end, bybit.url, policy=FAST)
    assert (again.days_fetched, again.days_skipped) == (0, 6)
    assert sum(bybit.requests.values()) == 1 + 12


def test_bybit_symbol_it_does_not_list_fails_before_any_kline_request(
    bybit: BybitServer, tmp_path: Path
) -> None:
    with pytest.raises(ccxt.BadSymbol, match="ETH/USDT"):
        ingest_ccxt(CandleCache(tmp_path), "bybit", ["ETH/USDT"], "1m", START,
                    START + timedelta(days=1), bybit.url, policy=FAST)  # fmt: skip
    assert bybit.requests[BYBIT_KLINES] == 0


def test_bybit_rate_limit_truncated_and_reversed_pages_give_exact_rows(
    bybit: BybitServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path)
    bybit.faults.queue = ["429", "truncated", "shuffled", "503"]
    ingest_ccxt(cache, "bybit", ["ETH/USDC"], "1m", START, START + timedelta(days=2),
                bybit.url, policy=FAST)  # fmt: skip
    assert bybit.faults.injected == {"429": 1, "truncated": 1, "shuffled": 1, "503": 1}
    assert bybit.calls(BYBIT_KLINES)[0].status == 403  # Bybit's IP limit
    assert_exact(cache, "ETH/USDC", 2, BYBIT)
    assert_cache_valid(cache)


def hourly_candles(coin: str, start: datetime, hours: int) -> list[tuple[object, ...]]:
    """What a cache of CoinGecko's hourly points holds: one point a candle, so o = h = l = c."""
    rows: list[tuple[object, ...]] = []
    for hour in range(hours):
        ts = start + timedelta(hours=hour)
        price, volume = coingecko_point(coin, ms(ts) + COINGECKO_OFFSET_MS)
        rows.append((ts, price, price, price, price, volume))
    return rows


def test_coingecko_rate_limit_and_truncated_bodies_complete_exactly(
    coingecko: CoinGeckoServer, tmp_path: Path
) -> None:
    cache = CandleCache(tmp_path)
    coingecko.faults.queue = ["429", "truncated", "429"]  # bitcoin succeeds on its 4th attempt
    coingecko.faults.at = {5: "truncated"}  # ethereum on its 2nd
    end = START + timedelta(days=10)
    report = ingest_coingecko(cache, ["bitcoin", "ethereum"], "usd", START, end, coingecko.url,
                              policy=MEASURED)  # fmt: skip

    assert coingecko.faults.injected == {"429": 2, "truncated": 2}
    calls = coingecko.calls(CHART.format("bitcoin")) + coingecko.calls(CHART.format("ethereum"))
    assert [c.status for c in calls] == [429, 200, 429, 200, 200, 200]
    assert_backed_off(calls, MEASURED, kinds=("429", "truncated"))
    assert (report.days_fetched, report.rows) == (20, 2 * 240)
    for coin, pair in (("bitcoin", "BTC/USD"), ("ethereum", "ETH/USD")):
        got = cache.read(CacheKey("coingecko", pair, "1h"), START, end)
        assert got.select("ts", "open", "high", "low", "close", "volume").rows() == (
            hourly_candles(coin, START, 240)
        )
    assert_cache_valid(cache)


@pytest.mark.parametrize(
    ("variable", "parameter"),
    [("COINGECKO_API_KEY", "x_cg_pro_api_key"), ("COINGECKO_DEMO_API_KEY", "x_cg_demo_api_key")],
)
def test_coingecko_exhausted_budget_leaves_cache_unchanged_and_hides_the_key(
    coingecko: CoinGeckoServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    parameter: str,
) -> None:
    # a key read from a file with its newline: requests sends it percent-encoded ("...%0A")
    secret = "CG-sekrit0123456789+abc\n"
    for name in ("COINGECKO_API_KEY", "COINGECKO_DEMO_API_KEY"):
        monkeypatch.delenv(name, raising=False)  # a pro key would shadow the demo one
    monkeypatch.setenv(variable, secret)
    cache = CandleCache(tmp_path)
    policy = RetryPolicy(attempts=3, backoff_s=0.01, max_backoff_s=0.05, timeout_s=0.5)
    ingest_coingecko(cache, ["bitcoin"], "usd", START, START + timedelta(days=2), coingecko.url,
                     policy=policy)  # fmt: skip
    before = {p: p.read_bytes() for p in cache.day_files()}
    # the last failure is a 503, whose error text quotes the whole URL, key included
    coingecko.faults.queue = ["truncated", "429", "503"]
    with pytest.raises(FetchError) as error:
        ingest_coingecko(cache, ["bitcoin"], "usd", START, START + timedelta(days=4),
                         coingecko.url, policy=policy)  # fmt: skip

    message = str(error.value)
    assert message.startswith(
        "coingecko bitcoin/usd (BTC/USD) [2022-05-09T00:00:00+00:00, 2022-05-11T00:00:00+00:00): "
        "gave up after attempt 3 (RetryError:"
    )
    assert f"{parameter}=***" in message
    shown = message + repr(error.value) + "".join(traceback.format_exception(error.value))
    assert "sekrit" not in shown
    assert all(r.query[parameter] == secret for r in coingecko.log)  # the key was really sent
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
    assert report.rows == 24  # a past single day comes hourly
    frame = cache.read(CacheKey("coingecko", "BTC/USD", "1h"), START, START + timedelta(days=1))
    assert frame["timeframe"].unique().to_list() == ["1h"]
    first_price, first_volume = coingecko_point("bitcoin", ms(START) + COINGECKO_OFFSET_MS)
    assert frame.row(0, named=True)["open"] == first_price
    assert frame.row(0, named=True)["volume"] == first_volume
    assert (frame["open"] == frame["close"]).all()
    # pycoingecko 3.2 sends a pro key as the x_cg_pro_api_key query parameter, not a header
    assert all(r.query.get("x_cg_pro_api_key") == secret for r in coingecko.log)
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
    ("days", "timeframe", "rows"), [(1, "1h", 24), (10, "1h", 240), (100, "1d", 100)]
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


def test_coingecko_last_day_is_five_minutely(coingecko: CoinGeckoServer) -> None:
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(hours=23)
    frame = fetch_coingecko("bitcoin", "usd", start, end, coingecko.url, policy=FAST)
    assert frame["timeframe"].unique().to_list() == ["5m"]
    assert frame.height == 23 * 12
    validate_candles(frame, start, end, "coingecko")
