"""A Parquet candle cache: one validated file per (source, symbol, timeframe, UTC day).

    <root>/source=ccxt_binance/symbol=BTC-USDT/timeframe=1m/date=2022-05-07.parquet

A day file exists only once the whole day was fetched and validated; it is written atomically,
so readers and later runs see a complete day or none. An empty file records "asked, no candles".
"""

import builtins
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

import polars as pl

from pipelines.ingest.candles import (
    day_start,
    days_between,
    empty_candles,
    timeframe_seconds,
    utc,
    validate_candles,
)
from pipelines.resources.atomic import write_atomically
from simulators.schemas import CANDLES

_UNSAFE = re.compile(r"[^A-Za-z0-9._]+")


@dataclass(frozen=True)
class CacheKey:
    source: str  # "ccxt:binance", "coingecko"
    symbol: str  # unified pair as stored in CANDLES.pair, e.g. "BTC/USDT"
    timeframe: str  # "1m", "5m", "1h", "1d"

    def directory(self) -> Path:
        parts = (("source", self.source), ("symbol", self.symbol), ("timeframe", self.timeframe))
        return Path(*(f"{name}={_UNSAFE.sub('_' if name == 'source' else '-', value)}"
                      for name, value in parts))  # fmt: skip


class CandleCache:
    """Day files of CANDLES rows under `root` (the real one is data/lake/raw/candles_cache/)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: CacheKey, day: date) -> Path:
        return self.root / key.directory() / f"date={day.isoformat()}.parquet"

    def has_day(self, key: CacheKey, day: date) -> bool:
        return self.path(key, day).is_file()

    def missing_days(self, key: CacheKey, start: datetime, end: datetime) -> builtins.list[date]:
        """UTC days overlapping [start, end) that have no day file yet."""
        return [day for day in days_between(start, end) if not self.has_day(key, day)]

    def write_day(self, key: CacheKey, day: date, frame: pl.DataFrame) -> Path:
        """Validate `frame` as the whole of `day` for `key`, then write it atomically."""
        what = f"{key.source} {key.symbol} {key.timeframe} {day}"
        validate_candles(frame, day_start(day), day_start(day) + timedelta(days=1), what)
        if frame.height and (
            frame["source"][0] != key.source
            or frame["pair"][0] != key.symbol
            or frame["timeframe"][0] != key.timeframe
        ):
            raise ValueError(f"{what}: frame belongs to another key")
        path = self.path(key, day)
        write_atomically(path, partial(frame.write_parquet, compression="zstd"))
        return path

    def read_day(self, key: CacheKey, day: date) -> pl.DataFrame:
        return pl.read_parquet(self.path(key, day)).cast(CANDLES)

    def read(self, key: CacheKey, start: datetime, end: datetime) -> pl.DataFrame:
        """Cached rows with start <= ts < end (days not cached are simply absent)."""
        start, end = utc(start), utc(end)
        paths = [self.path(key, d) for d in days_between(start, end) if self.has_day(key, d)]
        if not paths:
            return empty_candles()
        frame = pl.concat([pl.read_parquet(p).cast(CANDLES) for p in paths])
        return frame.filter((pl.col("ts") >= start) & (pl.col("ts") < end)).sort("ts")

    def cached_keys(self) -> builtins.list[CacheKey]:
        """Every key with at least one candle, read from the files (directory names are lossy)."""
        found = set()
        for directory in sorted({p.parent for p in self.day_files()}):
            first = pl.scan_parquet(directory / "*.parquet").select(
                "source", "pair", "timeframe"
            ).head(1).collect()  # fmt: skip
            if first.height:
                found.add(CacheKey(*first.row(0)))
        return sorted(found, key=lambda k: (k.source, k.symbol, k.timeframe))

    def day_files(self) -> builtins.list[Path]:
        return sorted(self.root.glob("source=*/symbol=*/timeframe=*/date=*.parquet"))

    def list(self) -> pl.DataFrame:
        """One row per key: source, symbol, timeframe, first, last, rows, gaps.

        gaps counts missing bars inside [first, last] on the timeframe grid.
        """
        rows = []
        for directory in sorted({p.parent for p in self.day_files()}):
            frame = pl.concat(
                [pl.read_parquet(p).cast(CANDLES) for p in directory.glob("*.parquet")]
            )
            if frame.height == 0:
                continue
            first, last = frame["ts"].min(), frame["ts"].max()
            assert isinstance(first, datetime)
            assert isinstance(last, datetime)
            timeframe = frame["timeframe"][0]
            expected = int((last - first).total_seconds()) // timeframe_seconds(timeframe) + 1
            rows.append(
                {
                    "source": frame["source"][0],
                    "symbol": frame["pair"][0],
                    "timeframe": timeframe,
                    "first": first,
                    "last": last,
                    "rows": frame.height,
                    "gaps": expected - frame.height,
                }
            )
        schema = {
            "source": pl.String(), "symbol": pl.String(), "timeframe": pl.String(),
            "first": CANDLES["ts"], "last": CANDLES["ts"], "rows": pl.Int64(), "gaps": pl.Int64(),
        }  # fmt: skip
        return pl.DataFrame(rows, schema=schema)
