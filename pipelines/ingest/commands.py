"""What `riskproof ingest file` does besides printing, and the errors every ingest command reports.

A file is its own source: the cache gets every UTC day from the file's first candle to its last,
each day as the file has it. A first or last day the file covers only in part is cached as that
part (and reported), a day inside the span without a row as an empty day ("the source had
nothing"). Every day is validated before any day file is written, so a bad file writes nothing.
Days already cached are kept unless `replace` is set: a cached day is what an earlier source said,
and silently swapping it would change replays that already used it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import ccxt
import polars as pl

from pipelines.ingest.cache import CacheKey, CandleCache
from pipelines.ingest.candles import (
    CandleValidationError,
    day_start,
    days_between,
    empty_candles,
    timeframe_seconds,
    validate_candles,
)
from pipelines.ingest.file_source import CandleFileError, file_source, read_candle_file
from pipelines.ingest.ingest import IngestReport
from pipelines.ingest.retry import FetchError

# What a user can act on, reported in one line: an unreachable or refusing source, a symbol or
# exchange the venue does not know, a bad argument, a broken file or candle (all ValueErrors).
INGEST_ERRORS: tuple[type[Exception], ...] = (FetchError, ValueError, ccxt.BaseError)

ONE_DAY = timedelta(days=1)


@dataclass
class FileIngestReport(IngestReport):
    partial_days: list[date] = field(default_factory=list)  # written, though only partly covered


def ingest_file(
    cache: CandleCache,
    path: Path,
    exchange: str,
    symbol: str,
    timeframe: str,
    *,
    replace: bool = False,
) -> FileIngestReport:
    """Cache every UTC day of the candle file at `path` under source `file:<exchange>`."""
    frame = read_candle_file(path, exchange, symbol, timeframe)
    key = CacheKey(file_source(exchange), symbol, timeframe)
    try:
        parts = _validated_days(frame, key)
    except CandleValidationError as error:
        raise CandleFileError(f"{path}: {error}") from None
    partial = _partial_days(frame["ts"], timeframe)
    report = FileIngestReport()
    for day, part in parts.items():
        if cache.has_day(key, day) and not replace:
            report.days_skipped += 1
            continue
        report.files.append(cache.write_day(key, day, part))
        if day in partial:
            report.partial_days.append(day)
        report.days_fetched += 1
        report.rows += part.height
    return report


def _validated_days(frame: pl.DataFrame, key: CacheKey) -> dict[date, pl.DataFrame]:
    """The file's rows per UTC day from its first candle to its last, each day validated."""
    first, last = _edges(frame["ts"])
    by_day = {
        day: part.drop("day")
        for (day,), part in frame.with_columns(day=pl.col("ts").dt.date())
        .partition_by("day", as_dict=True)
        .items()
    }
    parts: dict[date, pl.DataFrame] = {}
    for day in days_between(first, last + timedelta(microseconds=1)):
        part = by_day.get(day, empty_candles())
        what = f"{key.source} {key.symbol} {key.timeframe} {day}"
        validate_candles(part, day_start(day), day_start(day) + ONE_DAY, what)
        parts[day] = part
    return parts


def _partial_days(ts: pl.Series, timeframe: str) -> list[date]:
    first, last = _edges(ts)
    partial = []
    if first != day_start(first.date()):
        partial.append(first.date())
    last_close = last + timedelta(seconds=timeframe_seconds(timeframe))
    if last_close < day_start(last.date()) + ONE_DAY and last.date() not in partial:
        partial.append(last.date())
    return partial


def _edges(ts: pl.Series) -> tuple[datetime, datetime]:
    first, last = ts.min(), ts.max()
    assert isinstance(first, datetime)
    assert isinstance(last, datetime)
    return first, last
