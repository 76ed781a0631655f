"""Candles from a file someone already has: CSV (optionally gzipped) or Parquet.

Required columns: ts, open, high, low, close, volume; any others (quote_volume, trades, ...) are
ignored. `ts` is the candle's open time, either ISO-8601 with an explicit offset
(2022-05-01T00:00:00Z, ...+00:00; a space instead of the T is accepted, as pandas writes it) or
integer epoch milliseconds. A time without an offset is refused rather than guessed to be UTC.

Errors name the file, the column and, where one row is at fault, its data row (counted from 1,
header excluded), so the file can be fixed at that line. Candle invariants (high >= low, ...) are
not checked here: the cache checks them per UTC day, with the same rules as every other source.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from pipelines.ingest.candles import timeframe_seconds
from simulators.schemas import CANDLES

REQUIRED = ("ts", "open", "high", "low", "close", "volume")
NUMBERS = REQUIRED[1:]
ISO_AWARE = "%Y-%m-%dT%H:%M:%S%.f%#z"
ISO_NAIVE = "%Y-%m-%dT%H:%M:%S%.f"
# Epoch values outside 1973..5138 in milliseconds are almost surely seconds or microseconds.
EPOCH_MS_RANGE = (10**11, 10**14)
# Candle times a file may hold: every day between them is cached, so one mistyped year would
# otherwise write thousands of empty days (or overflow datetime near year 9999).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_GAP = timedelta(days=31)


class CandleFileError(ValueError):
    """A candle file that cannot be read as candles; the message names the file and the spot."""


def file_source(exchange: str) -> str:
    """The CANDLES.source (and cache key source) of candles read from a file of `exchange`."""
    return f"file:{exchange}"


def read_candle_file(path: Path, exchange: str, symbol: str, timeframe: str) -> pl.DataFrame:
    """CANDLES rows of the file, in file order, which must be strictly increasing in ts."""
    raw = _read_raw(path)
    missing = [name for name in REQUIRED if name not in raw.columns]
    if missing:
        raise CandleFileError(
            f"{path}: missing column(s) {', '.join(missing)} (found: {', '.join(raw.columns)})"
        )
    if raw.height == 0:
        raise CandleFileError(f"{path}: no data rows")
    frame = pl.DataFrame(
        {"ts": _timestamps(raw["ts"], path), **{n: _numbers(raw[n], path) for n in NUMBERS}}
    )
    _check_range(frame["ts"], path)
    _check_order(frame["ts"], path)
    _check_gaps(frame["ts"], path)
    _check_spacing(frame["ts"], timeframe, path)
    labels = {"source": file_source(exchange), "pair": symbol, "timeframe": timeframe}
    return frame.with_columns(**{k: pl.lit(v) for k, v in labels.items()}).select(CANDLES.names())


def _read_raw(path: Path) -> pl.DataFrame:
    name = path.name.lower()
    try:
        if name.endswith((".csv", ".csv.gz")):
            # All text, so a bad cell is reported with its row instead of failing the whole read.
            return pl.read_csv(path, infer_schema=False)
        if name.endswith((".parquet", ".pq")):
            return pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        detail = (str(error).strip().splitlines() or [""])[0]
        raise CandleFileError(f"{path}: unreadable ({type(error).__name__}: {detail})") from None
    raise CandleFileError(f"{path}: unsupported file type; expected .csv, .csv.gz or .parquet")


def _timestamps(column: pl.Series, path: Path) -> pl.Series:
    dtype = column.dtype
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            raise CandleFileError(
                f"{path}: column 'ts' holds datetimes without a time zone; store them as UTC"
            )
        as_utc = pl.col("ts").dt.convert_time_zone("UTC").dt.cast_time_unit("us")
        return _checked(column, as_utc, None, path)
    if dtype.is_integer() or dtype == pl.String:
        return _parse_timestamps(column.cast(pl.String), path)
    raise CandleFileError(
        f"{path}: column 'ts' has type {dtype}; expected ISO-8601 text with an offset "
        "or integer epoch milliseconds"
    )


def _parse_timestamps(column: pl.Series, path: Path) -> pl.Series:
    raw = pl.col("ts")
    text = raw.str.strip_chars().str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
    digits = text.str.contains(r"^\d+$")
    millis = text.cast(pl.Int64, strict=False)
    epoch = pl.from_epoch(millis, time_unit="ms").dt.replace_time_zone("UTC")
    aware = text.str.to_datetime(ISO_AWARE, time_unit="us", time_zone="UTC", strict=False)
    naive = text.str.to_datetime(ISO_NAIVE, time_unit="us", strict=False)
    parsed = pl.when(digits).then(epoch.dt.cast_time_unit("us")).otherwise(aware)
    problem = (
        # digits past Int64 cast to null, and null must not slip through as "in range"
        pl.when(digits & ~millis.is_between(*EPOCH_MS_RANGE, closed="left").fill_null(False))
        .then(pl.format("{} is not epoch milliseconds (seconds or microseconds?)", raw))
        .when(~digits & aware.is_null() & naive.is_not_null())
        .then(pl.format("'{}' has no UTC offset; write it as {}Z if it is UTC", raw, text))
        .when(~digits & aware.is_null())
        .then(
            pl.format(
                "'{}' is not an ISO-8601 time with offset (like 2022-05-01T00:00:00Z) "
                "or epoch milliseconds",
                raw,
            )
        )
    )
    return _checked(column, parsed, problem, path)


def _numbers(column: pl.Series, path: Path) -> pl.Series:
    if not (column.dtype.is_numeric() or column.dtype == pl.String):
        raise CandleFileError(f"{path}: column {column.name!r} is {column.dtype}, not numbers")
    raw = pl.col(column.name)
    if column.dtype != pl.String:
        return _checked(column, raw.cast(pl.Float64), None, path)
    value = raw.str.strip_chars().cast(pl.Float64, strict=False)
    problem = pl.when(value.is_null()).then(pl.format("'{}' is not a number", raw))
    return _checked(column, value, problem, path)


def _checked(column: pl.Series, value: pl.Expr, problem: pl.Expr | None, path: Path) -> pl.Series:
    """`value` for every row of `column`, or CandleFileError at the first row that is empty or
    has a `problem` (an expression giving the reason as text, null where the row is fine)."""
    reason = pl.when(pl.col(column.name).is_null()).then(pl.lit("missing value"))
    checked = column.to_frame().select(
        value=value, reason=reason if problem is None else reason.otherwise(problem)
    )
    _raise_first_bad(checked["reason"], column.name, path)
    return checked["value"].alias(column.name)


def _raise_first_bad(reasons: pl.Series, column: str, path: Path) -> None:
    """CandleFileError at the first row with a reason, counting the others like it."""
    bad = reasons.is_not_null()
    count = int(bad.sum())
    if count:
        index = int(bad.arg_true()[0])
        others = f" ({count - 1} more bad row(s) in this column)" if count > 1 else ""
        raise CandleFileError(
            f"{path}: data row {index + 1}, column {column!r}: {reasons[index]}{others}"
        )


def _check_order(ts: pl.Series, path: Path) -> None:
    step_back = (ts.diff() <= timedelta(0)).fill_null(False)
    if step_back.any():
        index = int(step_back.arg_true()[0])
        raise CandleFileError(
            f"{path}: data row {index + 1}, column 'ts': {_iso(ts, index)} is not after the "
            f"previous row's {_iso(ts, index - 1)}; rows must be sorted by time, no duplicates"
        )


def _check_range(ts: pl.Series, path: Path) -> None:
    outside = ~ts.is_between(EARLIEST, LATEST, closed="left")
    if outside.any():
        index = int(outside.arg_true()[0])
        raise CandleFileError(
            f"{path}: data row {index + 1}, column 'ts': {_iso(ts, index)} is outside "
            f"[{EARLIEST:%Y-%m-%d}, {LATEST:%Y-%m-%d})"
        )


def _check_gaps(ts: pl.Series, path: Path) -> None:
    """Every day of a gap is cached as "the source had nothing": a long one is likely a typo."""
    too_long = (ts.diff() > MAX_GAP).fill_null(False)
    if too_long.any():
        index = int(too_long.arg_true()[0])
        raise CandleFileError(
            f"{path}: data row {index + 1}, column 'ts': {_iso(ts, index)} is more than "
            f"{MAX_GAP.days} days after the previous row's {_iso(ts, index - 1)}; split the file "
            "at the gap if it is real"
        )


def _check_spacing(ts: pl.Series, timeframe: str, path: Path) -> None:
    """A mislabelled coarser file would pass every candle check and read as mostly gaps."""
    closest = ts.diff().min()
    step = timedelta(seconds=timeframe_seconds(timeframe))
    if isinstance(closest, timedelta) and closest > step:
        raise CandleFileError(
            f"{path}: consecutive rows are never closer than {closest}, "
            f"so these are not {timeframe} candles; check the timeframe"
        )


def _iso(ts: pl.Series, index: int) -> str:
    return f"{ts[index]:%Y-%m-%dT%H:%M:%SZ}"
