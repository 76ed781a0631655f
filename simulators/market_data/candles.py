"""The clean-candles stage: real candles are checked at the door before anything replays them."""

import polars as pl

from simulators.schemas import CANDLES


class CandleError(ValueError):
    """A candle that cannot be replayed, named by pair, timeframe and open time."""


_RULES: tuple[tuple[str, pl.Expr], ...] = (
    ("price is zero or negative", pl.min_horizontal("open", "high", "low", "close") <= 0),
    ("high is below low", pl.col("high") < pl.col("low")),
    (
        "open or close outside [low, high]",
        (pl.max_horizontal("open", "close") > pl.col("high"))
        | (pl.min_horizontal("open", "close") < pl.col("low")),
    ),
    ("volume is negative", pl.col("volume") < 0),
    ("a price is missing", pl.any_horizontal(pl.col("open", "high", "low", "close").is_null())),
)


def validate_candles(candles: pl.DataFrame) -> pl.DataFrame:
    """Return the candles sorted by (pair, ts), or raise CandleError on the first bad row."""
    if candles.schema != CANDLES:
        raise CandleError(f"candles: expected columns {dict(CANDLES)}, got {dict(candles.schema)}")
    ordered = candles.sort("pair", "ts")
    duplicated = ordered.filter(pl.struct("pair", "ts").is_duplicated())
    if duplicated.height:
        raise CandleError(f"{_where(duplicated.row(0, named=True))}: duplicate candle")
    for problem, condition in _RULES:
        bad = ordered.filter(condition)
        if bad.height:
            raise CandleError(f"{_where(bad.row(0, named=True))}: {problem} ({bad.height} rows)")
    return ordered


def _where(row: dict[str, object]) -> str:
    ts = row["ts"]
    when = ts.strftime("%Y-%m-%dT%H:%M:%SZ") if hasattr(ts, "strftime") else str(ts)
    return f"{row['source']} {row['pair']} {row['timeframe']} candle at {when}"
