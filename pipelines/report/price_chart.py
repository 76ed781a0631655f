"""Per scenario: the prices that matter over its window, each injection's window shaded and
labelled with its id, and the alerts raised as ticks along the bottom."""

from datetime import datetime

import polars as pl

from pipelines.report.palette import BAND_FILL, SERIES_COLOURS, SEVERITY_COLOUR
from pipelines.report.svg import Band, Decor, Key, Series, Tick, time_chart
from pipelines.resources.lake import Lake
from scenarios.model import SEVERITY_RANK

ANCHOR = "BTC/USD"
MAX_PAIRS = len(SERIES_COLOURS)
# Each slice keeps its lowest and highest point of both lines, so a one-tick shock survives:
# at most 4 × 150 points a line however long the window.
SLICES = 150
WIDTH, HEIGHT = 960, 280


def read_price_chart(lake: Lake, scenario_id: str) -> str:
    """The scenario's price chart from audit.reference_prices, audit.injections, risk.alerts."""
    scan = pl.scan_parquet(lake.path("audit", "reference_prices", scenario_id))
    pairs = (
        scan.group_by("pair")
        .agg(
            (pl.col("price") != pl.col("price_clean")).any().alias("touched"),
            pl.col("ts").min().alias("start"),
            pl.col("ts").max().alias("end"),
        )
        .sort("pair")
        .collect()
    )
    injections = lake.read("audit", "injections", scenario_id).sort("start_ts", "injection_id")
    alerts = lake.read("risk", "alerts", scenario_id).filter(pl.col("event") == "raised")
    if pairs.is_empty():
        return '<p class="muted">no reference prices in this run.</p>'
    touched = set(pairs.filter("touched").get_column("pair").to_list())
    chosen = chosen_pairs(pairs.get_column("pair").to_list(), touched, injections)
    start, end = pairs.select(pl.col("start").min(), pl.col("end").max()).row(0)
    sampled = downsample(scan.filter(pl.col("pair").is_in(chosen)), start, end).collect()
    return price_chart(sampled, chosen, touched, injections, alerts, scenario_id)


def chosen_pairs(pairs: list[str], touched: set[str], injections: pl.DataFrame) -> list[str]:
    """BTC/USD, then the USD-quoted pairs and any pair an injection names, those the chaos moved
    or an injection names first. A cross like USDT/BTC mirrors its legs, so it shows only when
    named."""
    params = " ".join(injections.get_column("params").drop_nulls().to_list())

    def named(pair: str) -> bool:
        base = pair.split("/")[0]
        usd_leg = pair.endswith("/USD") and f'"{base}"' in params
        return f'"{pair}"' in params or usd_leg

    shown = [p for p in pairs if p.endswith("/USD") or f'"{p}"' in params]
    ranked = sorted(shown, key=lambda p: (p != ANCHOR, not (named(p) or p in touched), p))
    return ranked[:MAX_PAIRS]


def downsample(prices: pl.LazyFrame, start: datetime, end: datetime) -> pl.LazyFrame:
    """Per pair and slice of the window, the rows holding the lowest and highest price and clean
    price, in time order."""
    span = max(int((end - start).total_seconds() * 1_000_000), 1)
    by = ["pair", "_slice"]
    row = pl.int_range(pl.len()).over(by)
    extreme = pl.lit(False)
    for column in ("price", "price_clean"):
        for pick in (pl.col(column).arg_min(), pl.col(column).arg_max()):
            extreme = extreme | (row == pick.over(by))
    return (
        prices.select("ts", "pair", "price", "price_clean")
        .sort("pair", "ts")
        .with_columns(
            ((pl.col("ts") - start).dt.total_microseconds() * SLICES // (span + 1)).alias("_slice")
        )
        .filter(extreme)
        .drop("_slice")
    )


def price_chart(
    prices: pl.DataFrame,
    pairs: list[str],
    touched: set[str],
    injections: pl.DataFrame,
    alerts: pl.DataFrame,
    scenario_id: str,
) -> str:
    """`prices` (ts, pair, price, price_clean) of `pairs`, normalised to 1.0 at the window start
    when several share the chart; the line without chaos dashed beside each pair chaos moved."""
    normalise = len(pairs) > 1
    scale = "price ÷ price at window start" if normalise else "price"
    series, legend = [], [Key(f"{scale}:", "#222", "text")]
    for pair, colour in zip(pairs, SERIES_COLOURS, strict=False):
        rows = prices.filter(pl.col("pair") == pair).sort("ts")
        if rows.is_empty():
            continue
        base = float(rows.item(0, "price_clean")) if normalise else 1.0
        times = rows.get_column("ts").to_list()
        series.append(Series(times, [p / base for p in rows.get_column("price")], colour))
        if pair in touched:
            clean = [p / base for p in rows.get_column("price_clean")]
            series.append(Series(times, clean, colour, dashed=True))
        legend.append(Key(pair, colour))
    if touched & set(pairs):
        legend.append(Key("without chaos", "#555", "dash"))
    # An injection with no end lasts to the window's end.
    end = prices.select(pl.col("ts").max()).item()
    bands = [
        Band(f"{r['injection_id']} ({r['kind']})", r["start_ts"], r["end_ts"] or end)
        for r in injections.iter_rows(named=True)
    ]
    legend.append(
        Key("injection", BAND_FILL, "band") if bands else Key("no injection", "#777", "text")
    )
    ranked = alerts.with_columns(
        pl.col("severity").replace_strict(SEVERITY_RANK, default=-1).alias("_rank")
    ).sort("_rank", "ts")
    ticks = [
        Tick(t, SEVERITY_COLOUR.get(s, "#555")) for t, s in ranked.select("ts", "severity").rows()
    ]
    severities = ranked.get_column("severity").unique(maintain_order=True).to_list()
    legend += [Key("alerts raised:", "#222", "text")] if severities else []
    legend += [Key(s, SEVERITY_COLOUR.get(s, "#555"), "tick") for s in severities]
    title = f"{scenario_id}: {scale}, injections shaded, alerts raised as ticks"
    return time_chart(
        series, Decor(bands=bands, ticks=ticks, legend=legend), title, "prices", WIDTH, HEIGHT
    )
