"""The clean-candles stage: real candles are checked at the door before anything replays them.

Real exchange data has two kinds of blemish that are facts about the market, not bugs in a file:
maintenance gaps and single-print wicks (Binance USDC/USDT printed 3.99 for one trade on
2022-05-11). Replaying either as-is would invent a price path no desk could have traded, so each is
an error unless the scenario declares the repair it accepts; every repair made is returned as a
row, so the evidence shows exactly what was changed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from scenarios.durations import parse_duration
from simulators.schemas import CANDLE_REPAIRS, CANDLES
from simulators.time_grid import duration_us, format_utc, to_us


class CandleError(ValueError):
    """A candle that cannot be replayed, named by source, pair, timeframe and open time."""


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


@dataclass(frozen=True)
class Cleaning:
    """Which repairs a scenario accepts, and where a wick stops being believable.

    A wick is an outlier when it reaches further beyond the candle body than `wick_limit` (a
    fraction of the body's edge) and more than `wick_vs_local` times the median range of the
    candles around it. Both must hold: a crash bar has long wicks, but so do its neighbours.
    Calibrated on the bundled crises: the largest genuine wick (BTC, 2021-05-19) is 2.3% and 8×
    its neighbourhood; the USDC/USDT single prints are 12-294% and 150-1800×.
    """

    fill_gaps: int = 0
    clip_wicks: bool = False
    wick_limit: float = 0.05
    wick_vs_local: float = 50.0
    neighbourhood: int = 61  # candles, centred


NO_REPAIRS = Cleaning()


def clean_candles(
    candles: pl.DataFrame, start: datetime, end: datetime, cleaning: Cleaning = NO_REPAIRS
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The candles covering [start, end) per pair, sorted by (pair, ts), and the repairs made.

    Raises CandleError on the first problem the declared repairs do not cover.
    """
    if candles.schema != CANDLES:
        raise CandleError(f"candles: expected columns {dict(CANDLES)}, got {dict(candles.schema)}")
    _check_order(candles)
    _check_invariants(candles)
    cleaned, repairs = [], []
    for (pair,), rows in sorted(candles.partition_by("pair", as_dict=True).items()):
        step = _step(str(pair), rows)
        clipped, wick_repairs = _clip_wicks(rows, cleaning)
        filled, gap_repairs = _fill_gaps(clipped, step, start, end, cleaning.fill_gaps)
        cleaned.append(filled)
        repairs += [wick_repairs, gap_repairs]
    if not cleaned:
        return CANDLES.to_frame(), CANDLE_REPAIRS.to_frame()
    repaired = pl.concat(repairs).sort("pair", "ts", "repair")
    return pl.concat(cleaned).sort("pair", "ts"), repaired


def _check_order(candles: pl.DataFrame) -> None:
    """Duplicates and time running backwards, in the order the source delivered the rows."""
    previous = pl.col("ts").shift(1).over("pair")
    flagged = candles.with_row_index("_row").with_columns(
        duplicate=pl.struct("pair", "ts").is_duplicated(), backwards=pl.col("ts") < previous
    )
    for column, problem in (("duplicate", "duplicate candle"), ("backwards", "non-monotonic time")):
        bad = flagged.filter(pl.col(column))
        if bad.height:
            row = bad.row(0, named=True)
            detail = (
                f" (source row {row['_row'] + 1}, after a later candle)"
                if column == "backwards"
                else ""
            )
            raise CandleError(f"{_where(row)}: {problem}{detail}")


def _check_invariants(candles: pl.DataFrame) -> None:
    for problem, condition in CANDLE_INVARIANTS.items():
        bad = candles.filter(condition)
        if bad.height:
            raise CandleError(f"{_where(bad.row(0, named=True))}: {problem} ({bad.height} rows)")


def _step(pair: str, rows: pl.DataFrame) -> timedelta:
    timeframes = sorted(rows["timeframe"].unique())
    if len(timeframes) != 1:
        raise CandleError(f"{pair}: expected candles of one timeframe, got {timeframes}")
    try:
        return parse_duration(str(timeframes[0]))
    except ValueError as error:
        raise CandleError(f"{pair}: bad timeframe {timeframes[0]!r}: {error}") from None


def _clip_wicks(rows: pl.DataFrame, cleaning: Cleaning) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = rows.sort("ts")
    body_high = pl.max_horizontal("open", "close")
    body_low = pl.min_horizontal("open", "close")
    local = (pl.col("high") / pl.col("low") - 1).rolling_median(
        cleaning.neighbourhood, center=True, min_samples=1
    )
    # A flat neighbourhood (a pegged stablecoin) has a median range of zero; one tick of 1e-4
    # keeps the ratio finite without making a 5% wick there look ordinary.
    floor = local.clip(lower_bound=1e-4)
    reach_up = pl.col("high") / body_high - 1
    reach_down = 1 - pl.col("low") / body_low
    flagged = rows.with_columns(
        up=(reach_up > cleaning.wick_limit) & (reach_up > cleaning.wick_vs_local * floor),
        down=(reach_down > cleaning.wick_limit) & (reach_down > cleaning.wick_vs_local * floor),
        reach_up=reach_up,
        reach_down=reach_down,
    )
    outliers = flagged.filter(pl.col("up") | pl.col("down"))
    if outliers.height and not cleaning.clip_wicks:
        row = outliers.row(0, named=True)
        side, price, reach = (
            ("high", row["high"], row["reach_up"]) if row["up"] else
            ("low", row["low"], row["reach_down"])
        )  # fmt: skip
        where = "above" if side == "high" else "below"
        raise CandleError(
            f"{_where(row)}: outlier wick: {side} {price:g} is {reach:.0%} {where} the candle "
            f"body (limit {cleaning.wick_limit:.0%} and {cleaning.wick_vs_local:g}× the local "
            f"range; {_count(outliers.height, 'such candle')}); "
            "declare market.cleaning.clip_wicks: true to clip them to the body"
        )
    repairs = pl.concat(
        [
            _repairs(outliers.filter(pl.col("up")), "wick_clipped", "high", body_high),
            _repairs(outliers.filter(pl.col("down")), "wick_clipped", "low", body_low),
        ]
    )
    clipped = flagged.with_columns(
        high=pl.when("up").then(body_high).otherwise("high"),
        low=pl.when("down").then(body_low).otherwise("low"),
    ).select(CANDLES.names())
    return clipped, repairs


def _repairs(rows: pl.DataFrame, repair: str, field: str, repaired: pl.Expr) -> pl.DataFrame:
    return rows.select(
        "ts",
        "source",
        "pair",
        "timeframe",
        repair=pl.lit(repair),
        field=pl.lit(field),
        original=pl.col(field).cast(pl.Float64()),
        repaired=repaired.cast(pl.Float64()),
    ).cast(CANDLE_REPAIRS)


def _fill_gaps(
    rows: pl.DataFrame, step: timedelta, start: datetime, end: datetime, allowed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Flat candles at the last close for each missing bar in the window, if the run is short."""
    step_us = duration_us(step)
    first_open = _floor(start, step_us)
    window = rows.filter((pl.col("ts") >= first_open) & (pl.col("ts") < end))
    if window.height == 0 or window["ts"][0] > first_open:
        covered = (
            "no candles"
            if window.height == 0
            else f"candles only from {format_utc(to_us(window['ts'][0]))}"
        )
        raise CandleError(
            f"{_label(rows)}: {covered} at the window start {format_utc(to_us(first_open))}; "
            "a gap at the start cannot be filled from an earlier close"
        )
    grid = pl.datetime_range(
        first_open, end, step, closed="left", time_unit="us", time_zone="UTC", eager=True
    )
    full = pl.DataFrame({"ts": grid}).join(window, on="ts", how="left", coalesce=True)
    missing = full.with_columns(
        gap=pl.col("open").is_null(),
    ).with_columns(run=(pl.col("gap") != pl.col("gap").shift(1)).cum_sum())
    runs = (
        missing.filter(pl.col("gap"))
        .group_by("run", maintain_order=True)
        .agg(first=pl.col("ts").first(), bars=pl.len())
    )
    too_long = runs.filter(pl.col("bars") > allowed)
    if too_long.height:
        gap = too_long.row(0, named=True)
        until = gap["first"] + gap["bars"] * step
        raise CandleError(
            f"{_label(rows)}: gap of {gap['bars']} bars from {format_utc(to_us(gap['first']))} "
            f"to {format_utc(to_us(until))} ({_count(too_long.height, 'gap')} longer than "
            f"market.cleaning.fill_gaps: {allowed})"
        )
    last_close = pl.col("close").forward_fill()
    filled = full.with_columns(
        source=pl.col("source").forward_fill(),
        pair=pl.col("pair").forward_fill(),
        timeframe=pl.col("timeframe").forward_fill(),
        open=pl.col("open").fill_null(last_close),
        high=pl.col("high").fill_null(last_close),
        low=pl.col("low").fill_null(last_close),
        volume=pl.col("volume").fill_null(0.0),
        close=last_close,
    ).select(CANDLES.names())
    gap_rows = filled.filter(missing["gap"])
    repairs = _repairs(gap_rows, "gap_filled", "close", pl.col("close")).with_columns(
        original=pl.lit(None, pl.Float64())
    )
    return filled, repairs


def _floor(moment: datetime, step_us: int) -> datetime:
    return moment - timedelta(microseconds=to_us(moment) % step_us)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _label(rows: pl.DataFrame) -> str:
    return f"{rows['source'][0]} {rows['pair'][0]} {rows['timeframe'][0]}"


def _where(row: dict[str, object]) -> str:
    ts = row["ts"]
    when = ts.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(ts, datetime) else str(ts)
    return f"{row['source']} {row['pair']} {row['timeframe']} candle at {when}"
