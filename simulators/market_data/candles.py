"""The clean-candles stage: real candles are checked at the door before anything replays them."""

import polars as pl

from simulators.schemas import CANDLES


class CandleError(ValueError):
    """A candle that cannot be replayed, named by pair, timeframe and open time."""


# What a real candle must satisfy, each as the expression that finds the rows breaking it. The
# clean-candles stage and the ingestion cache both check these, so they cannot drift apart.
CANDLE_INVARIANTS: dict[str, pl.Expr] = {
    "a price is missing": pl.any_horizontal(pl.col("open", "high", "low", "close").is_null()),
    "non-finite price or volume": ~pl.all_horizontal(
        pl.col("open", "high", "low", "close", "volume").is_finite()
    ),
    "non-positive price": pl.min_horizontal("open", "high", "low", "close") <= 0,
    "high < low": pl.col("high") < pl.col("low"),
    "open outside [low, high]": ~pl.col("open").is_between(pl.col("low"), pl.col("high")),
    "close outside [low, high]": ~pl.col("close").is_between(pl.col("low"), pl.col("high")),
    "negative volume": pl.col("volume") < 0,
}


def validate_candles(candles: pl.DataFrame) -> pl.DataFrame:
    """Return the candles sorted by (pair, ts), or raise CandleError on the first bad row."""
    if candles.schema != CANDLES:
        raise CandleError(f"candles: expected columns {dict(CANDLES)}, got {dict(candles.schema)}")
    ordered = candles.sort("pair", "ts")
    duplicated = ordered.filter(pl.struct("pair", "ts").is_duplicated())
    if duplicated.height:
        raise CandleError(f"{_where(duplicated.row(0, named=True))}: duplicate candle")
    for problem, condition in CANDLE_INVARIANTS.items():
        bad = ordered.filter(condition)
        if bad.height:
            raise CandleError(f"{_where(bad.row(0, named=True))}: {problem} ({bad.height} rows)")
    return ordered


def _where(row: dict[str, object]) -> str:
    ts = row["ts"]
    when = ts.strftime("%Y-%m-%dT%H:%M:%SZ") if hasattr(ts, "strftime") else str(ts)
    return f"{row['source']} {row['pair']} {row['timeframe']} candle at {when}"
