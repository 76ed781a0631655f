"""The batch driver: a scenario's whole order flow through the exchange, audit and prod frames out.

Same inputs and seed, identical frames: every random draw comes from its own labelled stream
(`simulators.seeding.stream`), and every frame is sorted on keys that leave no ties.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from simulators.collector import collector_paused
from simulators.exchange.api_view import balance_polls, prod_fills, prod_orders
from simulators.exchange.backdoors import Backdoors
from simulators.exchange.book_samples import sample_book
from simulators.exchange.config import ExchangeConfig
from simulators.exchange.engine import Exchange
from simulators.exchange.market import MarketPath, build_markets
from simulators.exchange.orders import OrderRequest
from simulators.exchange.records import balance_frame
from simulators.exchange.schemas import CALIBRATION, OPENING_BALANCES, ORDER_EVENTS
from simulators.exchange.venue_prices import venue_prices
from simulators.schemas import ORDER_REQUESTS
from simulators.time_grid import duration_us, to_us
from simulators.venues.chaos import ChaosWindow


@dataclass(frozen=True)
class ExchangeRun:
    """Audit truth, then the prod views (README: "Frames")."""

    fills: pl.DataFrame  # FILLS
    order_events: pl.DataFrame  # ORDER_EVENTS
    balances: pl.DataFrame  # ACCOUNT_TRUTH, client sub-accounts, a row per change
    house_balances: pl.DataFrame  # ACCOUNT_TRUTH, the fee and synthetic-market accounts
    book: pl.DataFrame  # BOOK_LEVELS
    venue_prices: pl.DataFrame  # REFERENCE_PRICES: price impacted, price_clean the reference
    chaos_events: pl.DataFrame  # CHAOS_EVENTS
    calibration: pl.DataFrame  # CALIBRATION
    prod_orders: pl.DataFrame  # PROD_ORDERS
    prod_fills: pl.DataFrame  # PROD_FILLS
    prod_balances: pl.DataFrame  # ACCOUNT_BALANCES
    api_status: pl.DataFrame  # API_STATUS


def simulate_exchange(
    reference_prices: pl.DataFrame,
    candles: pl.DataFrame,
    orders: pl.DataFrame,
    opening_balances: pl.DataFrame,
    chaos: Sequence[ChaosWindow],
    seed: int,
    config: ExchangeConfig | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> ExchangeRun:
    """Run ORDER_REQUESTS `orders` through the venue over REFERENCE_PRICES `reference_prices`,
    its books sized by CANDLES `candles`, its sub-accounts opening with OPENING_BALANCES.

    `start` and `end` bound the polls and book samples; by default the first reference tick and
    one tick after the last. Orders still in flight at `end` are processed anyway.
    """
    config = config or ExchangeConfig()
    _check_inputs(reference_prices, orders, opening_balances, config)
    venue = open_exchange(
        reference_prices, candles, opening_balances, chaos, seed, config, start, end
    )
    exchange = venue.exchange
    requests = orders.select(ORDER_REQUESTS.names()).sort("ts", maintain_order=True)
    with collector_paused():
        for row in requests.iter_rows(named=True):
            request = OrderRequest.from_row(row)
            exchange.submit_request(request, request.ts_us)
        return finish_exchange(venue)


@dataclass(frozen=True)
class OpenExchange:
    """A venue ready to be driven, with what `finish_exchange` needs to turn it into frames."""

    exchange: Exchange
    backdoors: Backdoors
    seed: int
    config: ExchangeConfig
    start_us: int
    end_us: int


def open_exchange(
    reference_prices: pl.DataFrame,
    candles: pl.DataFrame,
    opening_balances: pl.DataFrame,
    chaos: Sequence[ChaosWindow],
    seed: int,
    config: ExchangeConfig,
    start: datetime | None,
    end: datetime | None,
) -> OpenExchange:
    """The venue of `simulate_exchange` before any order: co-simulation drivers step it."""
    backdoors = Backdoors(chaos)
    markets = build_markets(reference_prices, candles, backdoors, config)
    start_us, end_us = _window(markets, start, end)
    exchange = Exchange(
        markets, opening_balances, seed=seed, config=config, backdoors=backdoors, start_us=start_us
    )
    return OpenExchange(exchange, backdoors, seed, config, start_us, end_us)


def finish_exchange(venue: OpenExchange) -> ExchangeRun:
    """Process what is still in flight, then every frame of the run."""
    exchange, backdoors, seed, config = venue.exchange, venue.backdoors, venue.seed, venue.config
    start_us, end_us, markets = venue.start_us, venue.end_us, exchange.markets
    exchange.advance_us(max(end_us, exchange.pending_until or end_us, exchange.clock_us))
    exchange.flush()

    records = exchange.records
    events = records.events_frame()
    fills = records.fills_frame()
    truth = balance_frame(exchange.ledger.changes(), config.venue)
    house = pl.col("account_id").is_in(config.house_accounts)
    clients = truth.filter(~house)
    published_orders = prod_orders(events, backdoors, seed, config)
    prod_balances, api_status = balance_polls(clients, start_us, end_us, backdoors, seed, config)
    return ExchangeRun(
        fills=fills,
        order_events=events.select(ORDER_EVENTS.names()),
        balances=clients,
        house_balances=truth.filter(house),
        book=sample_book(
            markets,
            exchange.impact,
            records.book_versions_frame(),
            records.book_levels_frame(),
            start_us=start_us,
            every_us=duration_us(config.book_sample_every),
            depth=config.book_sample_levels,
        ),
        venue_prices=venue_prices(markets, exchange.impact),
        chaos_events=backdoors.events(config.venue),
        calibration=_calibration(markets),
        prod_orders=published_orders,
        prod_fills=prod_fills(fills, published_orders),
        prod_balances=prod_balances,
        api_status=api_status,
    )


def _check_inputs(
    reference: pl.DataFrame,
    orders: pl.DataFrame,
    opening: pl.DataFrame,
    config: ExchangeConfig,
) -> None:
    if reference.is_empty():
        raise ValueError("no reference prices: the exchange needs a market to trade in")
    for name, frame, schema in (
        ("orders", orders, ORDER_REQUESTS),
        ("opening_balances", opening, OPENING_BALANCES),
    ):
        missing = [c for c in schema.names() if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks columns {missing}")
    clash = set(opening["account_id"].to_list()) & set(config.house_accounts)
    if clash:
        raise ValueError(f"opening balances name house accounts {sorted(clash)}")


def _window(
    markets: dict[str, MarketPath], start: datetime | None, end: datetime | None
) -> tuple[int, int]:
    first = min(int(m.ts[0]) for m in markets.values())
    last = max(int(m.ts[-1]) for m in markets.values())
    steps = [int(np.median(np.diff(m.ts))) for m in markets.values() if m.ts.size > 1]
    start_us = first if start is None else to_us(start)
    end_us = last + (min(steps) if steps else 1) if end is None else to_us(end)
    if end_us <= start_us:
        raise ValueError("the run ends before it starts")
    return start_us, end_us


def _calibration(markets: dict[str, MarketPath]) -> pl.DataFrame:
    rows = [
        (
            pair,
            m.source.source_pair,
            m.source.match,
            float(np.median(m.candle_range)) * 1e4,
            float(np.median(m.half_spread)) * 1e4,
            float(np.median(m.level_step)) * 1e4,
            float(np.median(m.top_qty)),
        )
        for pair, m in sorted(markets.items())
    ]
    return pl.DataFrame(rows, schema=CALIBRATION, orient="row")
