"""Timeframes, UTC days and the candle invariants every cached range must satisfy."""

from datetime import UTC, date, datetime, timedelta

import polars as pl

from scenarios.durations import parse_duration
from simulators.market_data.candles import CANDLE_INVARIANTS
from simulators.schemas import CANDLES


class CandleValidationError(ValueError):
    """A fetched range breaks a candle invariant; nothing of it may be written."""


def timeframe_seconds(timeframe: str) -> int:
    """'1m' -> 60, '5m' -> 300, '1h' -> 3600, '1d' -> 86400: whole minutes, hours or days."""
    if timeframe[-1:] not in ("m", "h", "d"):
        raise ValueError(f"unsupported timeframe {timeframe!r}")
    seconds = int(parse_duration(timeframe).total_seconds())
    if seconds <= 0:
        raise ValueError(f"unsupported timeframe {timeframe!r}")
    return seconds


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
    counts = frame.select(**{label: bad.sum() for label, bad in CANDLE_INVARIANTS.items()}).row(
        0, named=True
    )
    return [f"{count} rows with {label}" for label, count in counts.items() if count]
