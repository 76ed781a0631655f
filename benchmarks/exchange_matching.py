"""Orders matched per second. The order book alone (the engine's own matching objects, on a
dense flow) against the textbook plain-Python order book; and the whole exchange engine
(event-driven, resting-order crossings found with numpy between arrivals, with latency, funds,
ledger and records) against the plain-Python matcher that visits every tick, on the same order
flow over the same replayed prices."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks.baseline_book import match_plain
from benchmarks.baseline_exchange import BookShape, match_per_tick
from benchmarks.engine_book import engine_requests, match_engine_book
from benchmarks.order_flow import BookOrder, dense_flow
from benchmarks.timing import Timing, measure
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.market_source import MarketSource
from simulators.compiled import INTERPRETED, runs_compiled
from simulators.exchange import (
    Backdoors,
    Exchange,
    ExchangeConfig,
    MarketPath,
    build_markets,
    simulate_exchange,
)
from simulators.exchange.orders import OrderRequest
from simulators.market_data.replay import reference_prices
from simulators.schemas import ORDER_REQUESTS
from simulators.time_grid import to_us

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "usdt_depeg"
SIZE = {"BTC/USD": 0.2, "ETH/USD": 3.0, "BTC/ETH": 0.2, "USDT/USD": 5_000.0}
SIZE |= {"USDT/BTC": 5_000.0, "USDT/ETH": 5_000.0}
BALANCES = pl.DataFrame(
    {
        "account_id": ["desk"] * 4,
        "asset": ["USD", "USDT", "BTC", "ETH"],
        "balance": [1e10, 1e10, 1e5, 1e6],
    }
)


@dataclass(frozen=True)
class Flow:
    """An order flow to match: `orders` spread uniformly over `window` on `pairs`."""

    name: str
    pairs: tuple[str, ...]
    window: timedelta
    orders: int


FLOWS = (
    # What a scenario runs: the whole replay, every pair, an order every ~90 s.
    Flow(
        "scenario-like",
        ("BTC/ETH", "BTC/USD", "ETH/USD", "USDT/BTC", "USDT/ETH", "USDT/USD"),
        timedelta(hours=48),
        2_000,
    ),
    # A busy strategy: an order every ~4 s on two pairs.
    Flow("dense", ("BTC/USD", "ETH/USD"), timedelta(hours=6), 5_000),
)


def order_flow(reference: pl.DataFrame, start: datetime, flow: Flow) -> pl.DataFrame:
    """ORDER_REQUESTS: market, limit (GTC, IOC, post-only) within ±10 bps, and cancels."""
    rng = np.random.default_rng(0)
    seconds = np.sort(rng.uniform(0, flow.window.total_seconds() - 1, flow.orders))
    prices = {p: reference.filter(pl.col("pair") == p)["price"].to_numpy() for p in flow.pairs}
    rows = []
    for i, second in enumerate(seconds):
        pair = flow.pairs[i % len(flow.pairs)]
        kind = rng.choice(["market", "limit", "limit", "cancel"])
        if kind == "cancel" and i > 0:
            target = f"o{rng.integers(0, i)}"
            rows.append(_row(start, second, target, pair, "cancel", "", "", "", None, None))
            continue
        side = str(rng.choice(["buy", "sell"]))
        qty = float(SIZE[pair] * rng.uniform(0.1, 2.0))
        if kind == "market":
            rows.append(_row(start, second, f"o{i}", pair, "new", side, "market", "gtc", qty, None))
            continue
        tif = str(rng.choice(["gtc", "gtc", "ioc", "post_only"]))
        limit = float(prices[pair][int(second)] * (1 + rng.normal(0.0, 10e-4)))
        rows.append(_row(start, second, f"o{i}", pair, "new", side, "limit", tif, qty, limit))
    return pl.DataFrame(rows, schema=ORDER_REQUESTS, orient="row")


def _row(
    start: datetime,
    second: float,
    order_id: str,
    pair: str,
    action: str,
    side: str,
    kind: str,
    tif: str,
    qty: float | None,
    limit: float | None,
) -> tuple[object, ...]:
    ts = start + timedelta(seconds=float(second))
    return (ts, order_id, "desk", pair, action, side, kind, tif, qty, limit)


BOOK_ORDERS = 200_000


BOOK_LABEL = f"{BOOK_ORDERS // 1000} k limit/market/cancel orders, 1 pair"
# The engine's book as plain Python: the same measurement in a process that runs the simulators
# interpreted (issue 11's goal is 500 k orders/s in plain Python, 10 M if the loop is compiled).
INTERPRETED_BOOK = (
    "import json, sys; from benchmarks.exchange_matching import engine_book_timing; "
    "print(json.dumps(engine_book_timing(int(sys.argv[1])).seconds))"
)


def book_timings(repeats: int) -> tuple[Timing, Timing, Timing]:
    """(the engine's order book in this process, the same book interpreted, the textbook
    plain-Python book) on one dense flow of limit, market and cancel orders."""
    flow = dense_flow(BOOK_ORDERS)
    textbook = measure(
        f"order book: textbook plain Python ({BOOK_LABEL})",
        len(flow),
        "orders",
        partial(match_plain, flow),
        repeats,
    )
    return engine_book_timing(repeats, flow), interpreted_engine_book(repeats), textbook


def engine_book_timing(repeats: int, flow: list[BookOrder] | None = None) -> Timing:
    flow = dense_flow(BOOK_ORDERS) if flow is None else flow
    core = "compiled" if runs_compiled() else "interpreted"
    return measure(
        f"order book: the engine's matching objects, {core} ({BOOK_LABEL})",
        len(flow),
        "orders",
        partial(match_engine_book, engine_requests(flow)),
        repeats,
    )


def interpreted_engine_book(repeats: int) -> Timing:
    environment = os.environ | {INTERPRETED: "1"}
    printed = subprocess.run(
        [sys.executable, "-c", INTERPRETED_BOOK, str(repeats)],
        cwd=ROOT, env=environment, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    seconds = json.loads(printed.splitlines()[-1])
    name = f"order book: the engine's matching objects, interpreted ({BOOK_LABEL})"
    return Timing(name, BOOK_ORDERS, "orders", seconds)


def run_engine(markets: dict[str, MarketPath], requests: list[OrderRequest], end_us: int) -> int:
    venue = Exchange(markets, BALANCES, seed=7)
    for request in requests:
        venue.submit_request(request, request.ts_us)
    venue.advance_us(max(end_us, venue.clock_us, venue.pending_until or end_us))
    return len(venue.records.fills)


def exchange_timings() -> tuple[list[Timing], dict[str, float]]:
    """Per flow: the engine, the whole simulate_exchange, the per-tick baseline; and per flow
    the engine's orders/s over the baseline's."""
    scenario = ScenarioCatalog().load(SCENARIO)
    candles = MarketSource().candles("bundled", scenario.start, scenario.end)
    full, _ = reference_prices(candles, scenario)
    timings: list[Timing] = []
    speedups: dict[str, float] = {}
    for flow in FLOWS:
        engine, whole, baseline = _flow_timings(flow, full, candles, scenario.start)
        timings += [engine, whole, baseline]
        speedups[flow.name] = engine.rate / baseline.rate
    return timings, speedups


def _flow_timings(
    flow: Flow, full: pl.DataFrame, candles: pl.DataFrame, start: datetime
) -> tuple[Timing, Timing, Timing]:
    reference = full.filter(
        pl.col("pair").is_in(flow.pairs), pl.col("ts") < start + flow.window
    ).sort("pair", "ts")
    orders = order_flow(reference, start, flow)
    markets = build_markets(reference, candles, Backdoors([]), ExchangeConfig())
    requests = [OrderRequest.from_row(row) for row in orders.iter_rows(named=True)]
    end_us = to_us(start + flow.window)
    tick_us = [int(t) for t in markets[flow.pairs[0]].ts]
    ticks = {pair: markets[pair].reference.tolist() for pair in flow.pairs}
    shapes = {pair: _shape(markets[pair]) for pair in flow.pairs}
    rows = [
        {**row, "ts_us": r.ts_us}
        for row, r in zip(orders.iter_rows(named=True), requests, strict=True)
    ]
    hours = int(flow.window.total_seconds() // 3600)
    label = f"{flow.name}: {hours} h, {len(flow.pairs)} pairs"
    engine = measure(
        f"exchange engine, event-driven ({label})",
        orders.height,
        "orders",
        lambda: run_engine(markets, requests, end_us),
        repeats=3,
    )
    whole = measure(
        f"simulate_exchange, every frame ({label})",
        orders.height,
        "orders",
        lambda: simulate_exchange(reference, candles, orders, BALANCES, [], 7),
        repeats=3,
    )
    baseline = measure(
        f"plain-Python per-tick matcher ({label})",
        orders.height,
        "orders",
        lambda: match_per_tick(ticks, tick_us, rows, shapes),
        repeats=3,
    )
    return engine, whole, baseline


def _shape(market: MarketPath) -> BookShape:
    return BookShape(
        half_spread=float(np.median(market.half_spread)),
        step=float(np.median(market.level_step)),
        top_qty=float(np.median(market.top_qty)),
    )
