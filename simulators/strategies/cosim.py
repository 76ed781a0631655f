"""The co-simulation: strategies decide on their cadence against the exchange's step API.

Time moves from one decision (or report) instant to the next, never tick by tick: the engine
handles everything between. Strategy orders reach the venue with entry latency and push its
price by their impact, and the next decision reads that price: the market moves the strategies
and the strategies move the market. Scripted orders are sent alongside, in time order.
"""

import math
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

import numpy as np
import polars as pl

from scenarios.model import TypedStrategy
from simulators.collector import collector_paused
from simulators.columns import float64s, int64s
from simulators.exchange.config import ExchangeConfig
from simulators.exchange.ledger import Ledger
from simulators.exchange.orders import OrderRequest
from simulators.exchange.records import FillColumns
from simulators.exchange.simulate import ExchangeRun, finish_exchange, open_exchange
from simulators.schemas import ORDER_REQUESTS
from simulators.strategies.base import QUOTE, split, usd_pairs
from simulators.strategies.desk import PUBLISH_DELAY_US, Desk
from simulators.strategies.lazy_views import VenueMids
from simulators.strategies.schemas import (
    CHAOS_STRATEGY_STATUS,
    STRATEGY_LOG,
    STRATEGY_PERFORMANCE,
)
from simulators.strategies.tape import Tape
from simulators.time_grid import duration_us, utc_series
from simulators.venues.chaos import ChaosWindow

REPORT_EVERY = timedelta(seconds=10)  # how often the desk's strategy API is sampled


@dataclass(frozen=True)
class StrategyRun:
    exchange: ExchangeRun
    strategy_log: pl.DataFrame  # STRATEGY_LOG
    chaos_strategy_status: pl.DataFrame  # CHAOS_STRATEGY_STATUS
    strategy_performance: pl.DataFrame  # STRATEGY_PERFORMANCE


@collector_paused()
def simulate_with_strategies(
    reference_prices: pl.DataFrame,
    candles: pl.DataFrame,
    orders: pl.DataFrame,
    opening_balances: pl.DataFrame,
    chaos: Sequence[ChaosWindow],
    seed: int,
    strategies: Sequence[TypedStrategy],
    config: ExchangeConfig | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    report_every: timedelta = REPORT_EVERY,
) -> StrategyRun:
    """`simulate_exchange`, with `strategies` trading on the same venue as the scripted orders."""
    config = config or ExchangeConfig()
    venue = open_exchange(
        reference_prices, candles, opening_balances, chaos, seed, config, start, end
    )
    exchange, start_us, end_us = venue.exchange, venue.start_us, venue.end_us
    desks = [Desk(spec, seed) for spec in strategies]
    scripted = [
        OrderRequest.from_row(row)
        for row in orders.select(ORDER_REQUESTS.names())
        .sort("ts", maintain_order=True)
        .iter_rows(named=True)
    ]
    due = _decision_times(desks, start_us, end_us)
    every = duration_us(report_every)
    reports = set(range(start_us, end_us, every))
    assets = sorted({a for pair in exchange.markets for a in split(pair)})
    pricing = [_pricing(asset, exchange.markets) for asset in assets]
    fills = exchange.records.fills
    fill_ts = fills.ts
    desks_of = _by_account(desks)
    next_scripted = 0
    # the next scripted order's time, read every step: infinite once all are sent
    next_scripted_us = scripted[0].ts_us if scripted else math.inf
    fills_seen = 0
    for moment in sorted(due.keys() | reports):
        while next_scripted_us <= moment:
            request = scripted[next_scripted]
            exchange.submit_request(request, request.ts_us)
            next_scripted += 1
            next_scripted_us = (
                scripted[next_scripted].ts_us if next_scripted < len(scripted) else math.inf
            )
        exchange.advance_us(moment)
        mids = VenueMids(exchange, moment)
        # most steps fill nothing; a column's length, a C call, not FillColumns.__len__ a step
        if len(fill_ts) != fills_seen:
            _observe(fills, range(fills_seen, len(fill_ts)), desks_of, mids)
            fills_seen = len(fill_ts)
        deciding = due.get(moment)
        if deciding is not None:
            tapes, deciders = deciding
            for tape in tapes:
                tape.record(mids)
            for desk in deciders:
                for request in desk.decide(moment, mids, exchange):
                    exchange.submit_request(request, moment)
        if moment in reports:
            _report(moment, desks, pricing, mids, exchange.ledger)
    for request in scripted[next_scripted:]:
        exchange.submit_request(request, request.ts_us)
    run = finish_exchange(venue)
    return StrategyRun(
        exchange=run,
        strategy_log=_log_frame(desks),
        chaos_strategy_status=_frame(_status_rows(desks), CHAOS_STRATEGY_STATUS).sort(
            "strategy_id", "ts"
        ),
        strategy_performance=_performance_frame(desks),
    )


def _report(
    moment: int,
    desks: list[Desk],
    pricing: list[tuple[str | None, bool, float]],
    mids: Mapping[str, float],
    ledger: Ledger,
) -> None:
    prices = [
        fixed if pair is None else 1.0 / mids[pair] if inverse else mids[pair]
        for pair, inverse, fixed in pricing
    ]
    for desk in desks:
        desk.report(moment, prices, ledger)


def _pricing(asset: str, pairs: Container[str]) -> tuple[str | None, bool, float]:
    """How `usd_price(asset, mids) or 0.0` finds the asset's price on a venue listing `pairs`:
    (the pair whose mid it reads, whether inverted, else the price), worked out once for the
    run's reports rather than at each."""
    if asset == QUOTE:
        return None, False, 1.0
    direct, inverse = usd_pairs(asset)
    if direct in pairs:
        return direct, False, 0.0
    if inverse in pairs:
        return inverse, True, 0.0
    return None, False, 0.0


def _by_account(desks: list[Desk]) -> dict[str, list[Desk]]:
    desks_of: dict[str, list[Desk]] = {}
    for desk in desks:
        desks_of.setdefault(desk.spec.account, []).append(desk)
    return desks_of


def _observe(
    fills: FillColumns, new: range, desks_of: dict[str, list[Desk]], mids: VenueMids
) -> None:
    """The `new` fills to the desks of their account (most fills are no desk's)."""
    accounts = fills.account_id
    for i in new:
        for desk in desks_of.get(accounts[i], ()):
            desk.observe_fill(fills.pair[i], fills.price[i], fills.qty[i], mids)


# At a moment: the tapes to record, then the desks (in their order) that decide.
Due = tuple[tuple[Tape, ...], tuple[Desk, ...]]


def _decision_times(desks: list[Desk], start_us: int, end_us: int) -> dict[int, Due]:
    """What to do at each moment a desk decides.

    Desks on one schedule (cadence and windows) are visited together: a desk deciding every
    second for 36 h is 130 k moments, and most desks share their schedule."""
    position = {desk: index for index, desk in enumerate(desks)}
    schedules: dict[tuple[int, tuple[tuple[int, int], ...]], tuple[Desk, ...]] = {}
    for desk in desks:
        key = (duration_us(desk.spec.every), tuple(desk.windows_us))
        schedules[key] = (*schedules.get(key, ()), desk)
    due: dict[int, Due] = {}
    for (step, windows), together in schedules.items():
        tapes = _shared_tape(windows, together)
        for low, high in windows:
            for moment in range(max(low, start_us), min(high, end_us), step):
                already = due.get(moment)
                due[moment] = (
                    (tapes, together)
                    if already is None
                    else (
                        already[0] + tapes,
                        tuple(sorted(already[1] + together, key=position.__getitem__)),
                    )
                )
    return due


def _shared_tape(windows: Sequence[tuple[int, int]], together: Sequence[Desk]) -> tuple[Tape, ...]:
    """One tape for the desks of a schedule, shared with them; none if a desk decides twice at
    a moment (windows overlap) or lists a pair twice, since it appends each time to its own."""
    if any(later[0] < earlier[1] for earlier, later in pairwise(sorted(windows))):
        return ()
    if any(len(set(desk.spec.pairs)) < len(desk.spec.pairs) for desk in together):
        return ()
    tape = Tape(list(dict.fromkeys([pair for desk in together for pair in desk.spec.pairs])))
    for desk in together:
        desk.share(tape)
    return (tape,)


def _status_rows(desks: list[Desk]) -> list[tuple[object, ...]]:
    return [
        (moment, desk.spec.id, desk.spec.kind, status)
        for desk in desks
        if desk.spec.chaos
        for low, high in desk.windows_us
        for moment, status in ((low, "on"), (high, "off"))
    ]


def _frame(rows: Sequence[tuple[object, ...]], schema: pl.Schema) -> pl.DataFrame:
    """Rows whose UTC-microsecond columns are ints, as a frame of `schema`."""
    if not rows:
        return schema.to_frame()
    columns = list(zip(*rows, strict=True))
    series = [
        utc_series(name, np.asarray(columns[i], dtype=np.int64))
        if isinstance(dtype, pl.Datetime)
        else pl.Series(name, columns[i], dtype=dtype)
        for i, (name, dtype) in enumerate(schema.items())
    ]
    return pl.DataFrame(series)


# A desk's rows leave out what is the same on all of them (its id, kind, account) and what
# follows from the others (seq, available_at): tuples half as long, and columns polars fills in.


def _log_frame(desks: list[Desk]) -> pl.DataFrame:
    """STRATEGY_LOG sorted by (strategy_id, seq): each desk's rows are in seq order already."""
    frames = []
    for desk in desks:
        if not desk.log:
            continue
        log, rows = desk.log, len(desk.log)
        frames.append(
            pl.DataFrame(
                [
                    utc_series("ts", log.ts),
                    _constant("strategy_id", desk.spec.id, rows),
                    _constant("kind", desk.spec.kind, rows),
                    pl.Series("seq", np.arange(rows, dtype=np.int64)),
                    pl.Series("decision", log.decision, dtype=pl.String()),
                    pl.Series("order_id", log.order_id, dtype=pl.String()),
                    pl.Series("pair", log.pair, dtype=pl.String()),
                    pl.Series("side", log.side, dtype=pl.String()),
                    pl.Series("qty", log.qty, dtype=pl.Float64()),
                    pl.Series("reason", log.reason, dtype=pl.String()),
                ]
            )
        )
    return _by_strategy(frames, STRATEGY_LOG, "strategy_id", "seq")


def _performance_frame(desks: list[Desk]) -> pl.DataFrame:
    """STRATEGY_PERFORMANCE sorted by (strategy_id, asset, ts): a desk's reports come in time
    order and its assets sorted, so its rows are laid out asset by asset, not sorted."""
    frames = []
    for desk in desks:
        if not desk.performance or not desk.assets:
            continue
        done = desk.performance
        reports, assets = len(done), len(desk.assets)
        micros = np.tile(int64s(done.ts), assets)
        positions = float64s(done.positions)
        by_asset = positions.reshape(reports, assets).T.ravel()
        frames.append(
            pl.DataFrame(
                [
                    utc_series("ts", micros),
                    _constant("strategy_id", desk.spec.id, reports * assets),
                    _constant("account_id", desk.spec.account, reports * assets),
                    pl.Series("asset", desk.assets, dtype=pl.String()).gather(
                        np.repeat(np.arange(assets), reports)
                    ),
                    pl.Series("position", by_asset),
                    pl.Series("pnl_usd", np.tile(float64s(done.pnl_usd), assets)),
                    pl.Series("turnover_usd", np.tile(float64s(done.turnover_usd), assets)),
                    utc_series("available_at", micros + PUBLISH_DELAY_US),
                ]
            )
        )
    return _by_strategy(frames, STRATEGY_PERFORMANCE, "strategy_id", "asset", "ts")


def _constant(name: str, value: str, n: int) -> pl.Series:
    return pl.repeat(value, n, dtype=pl.String(), eager=True).alias(name)


def _by_strategy(frames: list[pl.DataFrame], schema: pl.Schema, *keys: str) -> pl.DataFrame:
    """Per-desk frames, each sorted by `keys` within, as one frame sorted by `keys`: in the
    order of their strategy ids, when no two desks share one (sorting took longer than the
    building)."""
    if not frames:
        return schema.to_frame()
    ids = [frame["strategy_id"][0] for frame in frames]
    if len(set(ids)) < len(ids):
        return pl.concat(frames).sort(*keys)
    in_order = [frame for _, frame in sorted(zip(ids, frames, strict=True), key=lambda p: p[0])]
    return pl.concat(in_order, rechunk=True)
