"""Market data from the candles bundled in the repo (data/bundled, described by manifest.yaml)."""

from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import yaml
from dagster import ConfigurableResource

from pipelines.project import BUNDLE_DIR
from scenarios.durations import parse_duration
from simulators.schemas import CANDLES


class MarketDataUnavailable(LookupError):
    pass


class BundledMarketSource(ConfigurableResource):  # type: ignore[type-arg]
    bundle_dir: str = str(BUNDLE_DIR)

    def manifest(self) -> list[dict[str, object]]:
        path = Path(self.bundle_dir) / "manifest.yaml"
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))["series"]
        return list(entries)

    def candles(self, start: datetime, end: datetime) -> pl.DataFrame:
        """Every bundled series that covers [start, end), the finest timeframe per pair, cut to
        the candles that overlap the window."""
        chosen: dict[str, dict[str, object]] = {}
        steps: dict[str, timedelta] = {}
        for entry in self.manifest():
            step = parse_duration(str(entry["timeframe"]))
            if _utc(entry["first"]) > start or _utc(entry["last"]) + step < end:
                continue
            pair = str(entry["pair"])
            if pair not in chosen or step < steps[pair]:
                chosen[pair], steps[pair] = entry, step
        if not chosen:
            raise MarketDataUnavailable(
                f"no bundled series covers {start:%Y-%m-%dT%H:%MZ}..{end:%Y-%m-%dT%H:%MZ}; "
                f"see {Path(self.bundle_dir) / 'manifest.yaml'}"
            )
        frames = [self._window(entry, start, end) for _, entry in sorted(chosen.items())]
        return pl.concat(frames).select(CANDLES.names()).cast(CANDLES)

    def _window(self, entry: dict[str, object], start: datetime, end: datetime) -> pl.DataFrame:
        step = parse_duration(str(entry["timeframe"]))
        frame = pl.read_parquet(Path(self.bundle_dir) / str(entry["file"]))
        return frame.filter(
            (pl.col("ts") < end) & (pl.col("ts") + pl.duration(microseconds=_us(step)) > start)
        )


def _utc(value: object) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"manifest times must be UTC timestamps, got {value!r}")
    return value


def _us(step: timedelta) -> int:
    return step // timedelta(microseconds=1)
