"""Fill the candle cache: fetch only the days it lacks, validate them, write each atomically.

Only whole UTC days that have ended by `as_of` are cached, so a day file is never partial. A run
of missing days is fetched, every day of it is validated, and only then are its files written;
a failure leaves the cache exactly as it was before that run.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from pipelines.ingest.cache import CacheKey, CandleCache
from pipelines.ingest.candles import day_start, days_between, utc, validate_candles
from pipelines.ingest.ccxt_source import CcxtSource
from pipelines.ingest.coingecko_source import coingecko_pair, coingecko_timeframe, fetch_coingecko
from pipelines.ingest.retry import RetryPolicy

FetchRange = Callable[[datetime, datetime], pl.DataFrame]
ONE_DAY = timedelta(days=1)


@dataclass
class IngestReport:
    days_fetched: int = 0
    rows: int = 0
    days_skipped: int = 0  # already cached
    days_pending: int = 0  # not over yet at as_of, so not cached
    files: list[Path] = field(default_factory=list)


def ingest_ccxt(
    cache: CandleCache,
    exchange_id: str,
    symbols: Iterable[str],
    timeframe: str,
    start: datetime,
    end: datetime,
    api_url: str | None = None,
    *,
    policy: RetryPolicy | None = None,
    as_of: datetime | None = None,
) -> IngestReport:
    """Cache every UTC day overlapping [start, end) of each symbol, one day fetched at a time."""
    source = CcxtSource(exchange_id, api_url, policy)
    report = IngestReport()
    for symbol in symbols:
        key = CacheKey(source.source, symbol, timeframe)

        def fetch(lo: datetime, hi: datetime, symbol: str = symbol) -> pl.DataFrame:
            return source.fetch(symbol, timeframe, lo, hi)

        _ingest(cache, key, start, end, fetch, report, as_of, max_run_days=1)
    return report


def ingest_coingecko(
    cache: CandleCache,
    coin_ids: Iterable[str],
    vs: str,
    start: datetime,
    end: datetime,
    api_url: str | None = None,
    *,
    policy: RetryPolicy | None = None,
    as_of: datetime | None = None,
) -> IngestReport:
    """Cache CoinGecko candles at the granularity the whole [start, end) span gets.

    Missing days are fetched in runs of at most 90 days; a run's finer points aggregate into
    the key's timeframe.
    """
    timeframe = coingecko_timeframe(start, end)
    report = IngestReport()
    for coin_id in coin_ids:
        key = CacheKey("coingecko", coingecko_pair(coin_id, vs), timeframe)

        def fetch(lo: datetime, hi: datetime, coin_id: str = coin_id) -> pl.DataFrame:
            return fetch_coingecko(coin_id, vs, lo, hi, api_url, policy=policy, timeframe=timeframe)

        _ingest(cache, key, start, end, fetch, report, as_of, max_run_days=90)
    return report


def _ingest(
    cache: CandleCache,
    key: CacheKey,
    start: datetime,
    end: datetime,
    fetch: FetchRange,
    report: IngestReport,
    as_of: datetime | None,
    max_run_days: int,
) -> None:
    cutoff = utc(as_of) if as_of is not None else datetime.now(UTC)
    days = days_between(start, end)
    missing = cache.missing_days(key, start, end)
    ready = [d for d in missing if day_start(d) + ONE_DAY <= cutoff]
    report.days_skipped += len(days) - len(missing)
    report.days_pending += len(missing) - len(ready)
    for first, last in _runs(ready, max_run_days):
        frame = fetch(day_start(first), day_start(last) + ONE_DAY)
        parts = {}
        for day in _each_day(first, last):
            lo, hi = day_start(day), day_start(day) + ONE_DAY
            part = frame.filter((pl.col("ts") >= lo) & (pl.col("ts") < hi))
            validate_candles(part, lo, hi, f"{key.source} {key.symbol} {key.timeframe} {day}")
            parts[day] = part
        for day, part in parts.items():
            report.files.append(cache.write_day(key, day, part))
            report.days_fetched += 1
            report.rows += part.height


def _runs(days: list[date], max_days: int) -> Iterable[tuple[date, date]]:
    """Consecutive days grouped into runs of at most `max_days`."""
    run: list[date] = []
    for day in sorted(days):
        if run and (day - run[-1] != ONE_DAY or len(run) == max_days):
            yield run[0], run[-1]
            run = []
        run.append(day)
    if run:
        yield run[0], run[-1]


def _each_day(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY
