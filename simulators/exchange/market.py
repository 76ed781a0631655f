"""Per pair, the market the venue trades in: reference ticks and the book parameters at each.

Everything here is known before the first order (the reference path is replayed, the candles
are history, the backdoor windows are scripted), so it is computed once, vectorised, and the
engine only indexes into it.
"""

from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from simulators.exchange.backdoors import SPREAD_WIDENING, Backdoors
from simulators.exchange.calibration import SourceMatch, match_source, trailing_figures
from simulators.exchange.config import BPS, ExchangeConfig
from simulators.exchange.pairs import split_pair
from simulators.exchange.volatility import volatility_factor
from simulators.time_grid import duration_us


@dataclass(frozen=True, eq=False)
class MarketPath:
    pair: str
    base: str
    quote: str
    source: SourceMatch
    ts: NDArray[np.int64]  # reference tick times, increasing
    reference: NDArray[np.float64]  # the reference price (market chaos included)
    candle_range: NDArray[np.float64]  # trailing median (high - low) / close
    half_spread: NDArray[np.float64]  # fraction of mid, spread_widening applied
    level_step: NDArray[np.float64]  # geometric step between levels, fraction
    top_qty: NDArray[np.float64]  # base units at level 0; level i holds (1 + i) times this
    volatility_factor: NDArray[np.float64]  # multiplies latency medians, >= 1
    # The per-tick columns as Python arrays: the engine reads them one element at a time, which
    # they answer several times faster than numpy arrays, and unlike lists they are a copy of
    # the memory, not a Python object per tick (most ticks are never read). Made with the path,
    # not on first use: compiled (simulators.compiled), a cached_property is computed anew at
    # every read.
    scalars: "Scalars" = field(init=False, repr=False)

    def index(self, moment_us: int) -> int:
        """The tick in force at `moment_us`: the last at or before it (the first, if earlier)."""
        return max(self.ticks_to(moment_us) - 1, 0)

    def ticks_to(self, moment_us: int) -> int:
        """How many ticks are at or before `moment_us`."""
        return bisect_right(self.scalars.ts, moment_us)

    def __post_init__(self) -> None:
        scalars = Scalars(
            ts=_array("q", self.ts, np.int64),
            reference=_array("d", self.reference, np.float64),
            half_spread=_array("d", self.half_spread, np.float64),
            level_step=_array("d", self.level_step, np.float64),
            top_qty=_array("d", self.top_qty, np.float64),
            volatility_factor=_array("d", self.volatility_factor, np.float64),
        )
        object.__setattr__(self, "scalars", scalars)  # frozen


@dataclass(frozen=True)
class Scalars:
    ts: "array[int]"
    reference: "array[float]"
    half_spread: "array[float]"
    level_step: "array[float]"
    top_qty: "array[float]"
    volatility_factor: "array[float]"


def _array(code: str, values: NDArray[Any], dtype: type[np.generic]) -> "array[Any]":
    out = array(code)
    # the memory as bytes, copied once: `array(code, values.tobytes())` copied it twice
    out.frombytes(np.ascontiguousarray(values, dtype=dtype).data.cast("B"))
    return out


def build_markets(
    reference: pl.DataFrame, candles: pl.DataFrame, backdoors: Backdoors, config: ExchangeConfig
) -> dict[str, MarketPath]:
    """One MarketPath per pair of REFERENCE_PRICES `reference`, sized by CANDLES `candles`."""
    candle_pairs = frozenset(candles["pair"].unique().to_list())
    return {
        pair: _market(pair, rows.sort("ts"), candles, candle_pairs, backdoors, config)
        for (pair,), rows in sorted(reference.partition_by("pair", as_dict=True).items())
    }


def _market(
    pair: str,
    rows: pl.DataFrame,
    candles: pl.DataFrame,
    candle_pairs: frozenset[str],
    backdoors: Backdoors,
    config: ExchangeConfig,
) -> MarketPath:
    base, quote = split_pair(pair)
    ts = rows["ts"].dt.epoch("us").to_numpy().astype(np.int64)
    prices = rows["price"].to_numpy().astype(np.float64)
    if not np.isfinite(prices).all() or (prices <= 0).any():
        raise ValueError(f"{pair}: reference prices must be finite and positive")
    resolution_us = int(np.median(np.diff(ts))) if ts.size > 1 else 1_000_000
    source = match_source(pair, candle_pairs)
    figures = trailing_figures(rows["ts"], float(prices[0]), candles, source, config.calibration)
    timeframe_us = figures["timeframe_us"].to_numpy().astype(np.float64)
    steps_per_candle = np.where(timeframe_us > 0, timeframe_us / resolution_us, 1.0)
    candle_range = figures["range"].to_numpy().astype(np.float64)
    cal = config.calibration
    floor = cal.floor_bps * BPS
    top_qty = cal.depth_coef * figures["candle_volume"].to_numpy() / steps_per_candle
    fallback = cal.default_level_notional / prices
    return MarketPath(
        pair=pair,
        base=base,
        quote=quote,
        source=source,
        ts=ts,
        reference=prices,
        candle_range=candle_range,
        half_spread=np.maximum(floor, cal.spread_coef * candle_range)
        * backdoors.factors(SPREAD_WIDENING, ts),
        level_step=np.maximum(floor, cal.step_coef * candle_range),
        # a series of volume-less candles (gap-filled) would make a book with nothing in it
        top_qty=np.where(top_qty > 0, top_qty, fallback).astype(np.float64),
        volatility_factor=volatility_factor(
            prices,
            duration_us(config.volatility_half_life) / resolution_us,
            duration_us(config.volatility_baseline) / resolution_us,
            config.max_volatility_factor,
        ),
    )
