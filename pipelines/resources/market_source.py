"""Candles for a scenario's window, from where `market.source` says: the bundle or the cache.

`bundled` reads data/bundled (described by manifest.yaml); `cache` any series `riskproof ingest`
cached; `ccxt:<id>`, `coingecko` and `file:<exchange>` only that source's. Either way each pair
comes from the finest timeframe that covers the whole window, so a run never mixes a partial
1-minute series with an hourly one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import yaml
from dagster import ConfigurableResource

from pipelines.ingest.cache import CandleCache
from pipelines.ingest.candles import days_between
from pipelines.project import BUNDLE_DIR, candles_cache_dir
from scenarios.durations import parse_duration
from simulators.schemas import CANDLES


class MarketDataUnavailable(LookupError):
    pass


@dataclass(frozen=True)
class Series:
    """One candidate series for a pair: where it is, its step and the span it covers."""

    pair: str
    step: timedelta
    first: datetime
    last: datetime
    origin: str  # a bundle file name or a cache source, to break ties the same way every run


@dataclass(frozen=True)
class InputFile:
    """One candle file a run reads, and the step of its candles."""

    path: Path
    step: timedelta


class MarketSource(ConfigurableResource):  # type: ignore[type-arg]
    bundle_dir: str = str(BUNDLE_DIR)
    cache_dir: str = str(candles_cache_dir())

    def candles(self, source: str, start: datetime, end: datetime) -> pl.DataFrame:
        """CANDLES of every pair the source covers over [start, end), cut to the candles that
        overlap the window."""
        files = self.input_files(source, start, end)
        return pl.concat([_overlapping(_read(f.path), f.step, start, end) for f in files])

    def input_files(self, source: str, start: datetime, end: datetime) -> list[InputFile]:
        """The candle files `candles` reads for this window, in reading order: a run's market
        inputs, which its manifest hashes."""
        if source == "bundled":
            return self._bundled(start, end)
        return self._cached(source, start, end)

    def manifest(self) -> list[dict[str, object]]:
        path = Path(self.bundle_dir) / "manifest.yaml"
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))["series"]
        return list(entries)

    def _bundled(self, start: datetime, end: datetime) -> list[InputFile]:
        entries = {str(e["file"]): e for e in self.manifest()}
        candidates = [
            Series(
                str(e["pair"]),
                parse_duration(str(e["timeframe"])),
                _utc(e["first"]),
                _utc(e["last"]),
                name,
            )
            for name, e in entries.items()
        ]
        chosen = _finest_covering(candidates, start, end)
        if not chosen:
            raise MarketDataUnavailable(
                f"no bundled series covers {_span(start, end)}; "
                f"see {Path(self.bundle_dir) / 'manifest.yaml'}"
            )
        return [InputFile(Path(self.bundle_dir) / s.origin, s.step) for s in chosen]

    def _cached(self, source: str, start: datetime, end: datetime) -> list[InputFile]:
        cache = CandleCache(Path(self.cache_dir))
        keys = [k for k in cache.cached_keys() if source == "cache" or k.source == source]
        complete = {
            k.source + " " + k.symbol + " " + k.timeframe: k
            for k in keys
            # Timeframes divide a day, so the candle covering `start` opens on start's own day.
            if not cache.missing_days(k, start, end)
        }
        candidates = [
            Series(k.symbol, parse_duration(k.timeframe), start, end, name)
            for name, k in complete.items()
        ]
        chosen = _finest_covering(candidates, start, end)
        if not chosen:
            cached = ", ".join(f"{k.source} {k.symbol} {k.timeframe}" for k in keys) or "nothing"
            raise MarketDataUnavailable(
                f"no cached candles from {source!r} cover every day of {_span(start, end)} "
                f"(cached for that source: {cached}); fill the cache with `riskproof ingest`"
            )
        # The candle open before `start` may cover it (an hourly candle opened at 11:00 covers
        # 11:30), so the day of `start - step` is read too.
        return [
            InputFile(cache.path(complete[s.origin], day), s.step)
            for s in chosen
            for day in days_between(start - s.step, end)
            if cache.has_day(complete[s.origin], day)
        ]


def _finest_covering(candidates: list[Series], start: datetime, end: datetime) -> list[Series]:
    """Per pair, the finest series whose candles cover [start, end); pairs in sorted order."""
    best: dict[str, Series] = {}
    for series in sorted(candidates, key=lambda s: (s.pair, s.step, s.origin)):
        if series.first > start or series.last + series.step < end:
            continue
        best.setdefault(series.pair, series)
    return [best[pair] for pair in sorted(best)]


def _read(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path).select(CANDLES.names()).cast(CANDLES)


def _overlapping(
    frame: pl.DataFrame, step: timedelta, start: datetime, end: datetime
) -> pl.DataFrame:
    return frame.filter(
        (pl.col("ts") < end) & (pl.col("ts") + pl.duration(microseconds=_us(step)) > start)
    )


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%dT%H:%MZ}..{end:%Y-%m-%dT%H:%MZ}"


def _utc(value: object) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"manifest times must be UTC timestamps, got {value!r}")
    return value


def _us(step: timedelta) -> int:
    return step // timedelta(microseconds=1)
