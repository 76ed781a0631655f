"""Timeframes, UTC days and the candle invariants every cached range must satisfy."""

from datetime import UTC, date, datetime, timedelta

import polars as pl

from simulators.schemas import CANDLES

_UNITS = {"m": 60, "h": 3600, "d": 86400}


class CandleValidationError(ValueError):
    """A fetched range breaks a candle invariant; nothing of it may be written."""


def timeframe_seconds(timeframe: str) -> int:
    """'1m' -> 60, '5m' -> 300, '1h' -> 3600, '1d' -> 86400."""
    unit = timeframe[-1:]
    if unit not in _UNITS or not timeframe[:-1].isdigit() or int(timeframe[:-1]) <= 0:
        raise ValueError(f"unsupported timeframe {timeframe!r}")
    return int(timeframe[:-1]) * _UNITS[unit]


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment} is naive; pass timezone-aware UTC datetimes")
    return moment.astimezone(UTC)


def days_between(start: datetime, end: datetime) -> list[date]:
    """UTC days that overlap [start, end)."""
    start, end = utc(start), utc(end)
    days: list[date] = []
    day = start.date()
    while day_start(day) < end:
        days.append(day)
        day += timedelta(days=1)
    return days


def empty_candles() -> pl.DataFrame:
    return pl.DataFrame(schema=CANDLES)


def validate_candles(frame: pl.DataFrame, start: datetime, end: datetime, what: str) -> None:
    """Raise CandleValidationError unless `frame` is a clean CANDLES range inside [start, end).

    Clean: exact schema, no nulls, one source/pair/timeframe, ts strictly increasing and on the
    timeframe grid, finite positive prices, high >= low, open and close inside [low, high],
    volume finite and >= 0.
    """
    if frame.schema != CANDLES:
        raise CandleValidationError(f"{what}: schema {frame.schema} is not CANDLES")
    if frame.height == 0:
        return
    problems = _shape_problems(frame, start, end) + _price_problems(frame)
    if problems:
        raise CandleValidationError(f"{what}: " + "; ".join(problems))


def _shape_problems(frame: pl.DataFrame, start: datetime, end: datetime) -> list[str]:
    problems: list[str] = []
    if frame.null_count().sum_horizontal().item() > 0:
        problems.append("null values")
    problems += [f"several values of {c}" for c in ("source", "pair", "timeframe")
                 if frame[c].n_unique() != 1]  # fmt: skip
    micros = frame["ts"].dt.epoch("us")
    if not (micros.diff().drop_nulls() > 0).all():
        problems.append("ts not strictly increasing (unsorted or duplicated)")
    lo, hi = int(utc(start).timestamp() * 1e6), int(utc(end).timestamp() * 1e6)
    if ((micros < lo) | (micros >= hi)).any():
        problems.append(f"ts outside [{start}, {end})")
    step_us = timeframe_seconds(frame["timeframe"][0]) * 1_000_000
    if (micros % step_us != 0).any():
        problems.append("ts off the timeframe grid")
    return problems


def _price_problems(frame: pl.DataFrame) -> list[str]:
    checks = {
        "non-finite price or volume": ~pl.all_horizontal(
            pl.col("open", "high", "low", "close", "volume").is_finite()
        ),
        "non-positive price": pl.min_horizontal("open", "high", "low", "close") <= 0,
        "high < low": pl.col("high") < pl.col("low"),
        "open outside [low, high]": ~pl.col("open").is_between(pl.col("low"), pl.col("high")),
        "close outside [low, high]": ~pl.col("close").is_between(pl.col("low"), pl.col("high")),
        "negative volume": pl.col("volume") < 0,
    }
    counts = frame.select(**{label: bad.sum() for label, bad in checks.items()}).row(0, named=True)
    return [f"{count} rows with {label}" for label, count in counts.items() if count]
