"""Real candles to book parameters: which candle series sizes each pair, and its trailing figures.

A pair is calibrated from the candle series that trades its base asset, because volume is
counted in base units and a synthetic level's size is a base quantity:
1. `exact`: the same pair (BTC/USDT for BTC/USDT);
2. `inverse`: the pair the other way round, volume turned into our base units with the close
   (ETH/BTC sizes BTC/ETH: volume × close is the BTC turnover);
3. `base`: another series with the same base, preferring the same quote, then a USD-like quote
   (BTC/USDT sizes BTC/USD);
4. `default`: no series shares the base (USDT/USD from Binance data): a fixed candle range and
   a fixed quote notional per level, converted at the pair's first reference price.

Figures are trailing medians over `window` candles, known only once a candle closes (no
look-ahead), except before the first close, which takes the first candle's figures.
"""

from dataclasses import dataclass

import polars as pl

from scenarios.durations import parse_duration
from scenarios.universe import underlying
from simulators.exchange.config import BPS, BookCalibration
from simulators.exchange.pairs import split_pair
from simulators.time_grid import duration_us

USD_LIKE = frozenset({"USD", "USDT", "USDC", "BUSD", "DAI", "TUSD"})

# Per reference tick of one pair: the trailing candle range (fraction of price), the trailing
# candle volume in the pair's base units, and the candle length those refer to.
TRAILING = pl.Schema(
    {"range": pl.Float64(), "candle_volume": pl.Float64(), "timeframe_us": pl.Int64()}
)


@dataclass(frozen=True)
class SourceMatch:
    source_pair: str | None
    match: str  # exact | inverse | base | default


def match_source(pair: str, candle_pairs: frozenset[str]) -> SourceMatch:
    base, quote = split_pair(pair)
    # A perpetual trades as deep as its underlying's spot market: size its book from that.
    base = underlying(base)
    if pair in candle_pairs:
        return SourceMatch(pair, "exact")
    if f"{quote}/{base}" in candle_pairs:
        return SourceMatch(f"{quote}/{base}", "inverse")
    same_base = [c for c in candle_pairs if split_pair(c)[0] == base]
    if not same_base:
        return SourceMatch(None, "default")

    def closeness(candidate: str) -> tuple[int, str]:
        other = split_pair(candidate)[1]
        if other == quote:
            return (0, candidate)
        return (1 if {other, quote} <= USD_LIKE else 2, candidate)

    return SourceMatch(min(same_base, key=closeness), "base")


def trailing_figures(
    ts: pl.Series,
    first_price: float,
    candles: pl.DataFrame,
    source: SourceMatch,
    config: BookCalibration,
) -> pl.DataFrame:
    """TRAILING, one row per `ts` (sorted UTC microsecond times of one pair's reference)."""
    if source.source_pair is None:
        return pl.DataFrame(
            {
                "range": pl.repeat(config.default_range_bps * BPS, ts.len(), eager=True),
                "candle_volume": pl.repeat(
                    config.default_level_notional / first_price, ts.len(), eager=True
                ),
                "timeframe_us": pl.repeat(0, ts.len(), eager=True),
            },
            schema=TRAILING,
        )
    series = _finest_series(candles.filter(pl.col("pair") == source.source_pair))
    timeframe_us = duration_us(parse_duration(series["timeframe"][0]))
    volume = pl.col("volume") * pl.col("close") if source.match == "inverse" else pl.col("volume")
    figures = series.select(
        (pl.col("ts") + pl.duration(microseconds=timeframe_us)).alias("closed_at"),
        ((pl.col("high") - pl.col("low")) / pl.col("close"))
        .rolling_median(config.window, min_samples=1)
        .alias("range"),
        volume.rolling_median(config.window, min_samples=1).alias("candle_volume"),
    )
    return (
        pl.DataFrame({"ts": ts})
        .join_asof(figures, left_on="ts", right_on="closed_at", strategy="backward")
        .select(
            pl.col("range", "candle_volume").fill_null(strategy="backward"),
            pl.lit(timeframe_us, dtype=pl.Int64()).alias("timeframe_us"),
        )
        .cast(TRAILING)
    )


def _finest_series(candles: pl.DataFrame) -> pl.DataFrame:
    """One timeframe per pair: the finest, if a source mixes several."""
    lengths = {tf: parse_duration(tf) for tf in candles["timeframe"].unique().to_list()}
    finest = min(lengths, key=lambda tf: (lengths[tf], tf))
    return candles.filter(pl.col("timeframe") == finest).sort("ts")
