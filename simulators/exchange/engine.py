"""The matching engine: a step API a batch driver or a strategy co-simulation loop can drive.

`submit` sends an order at the client's present; it reaches the engine after an entry latency.
`advance` moves time forward, processing in time order every arrival and every tick at which a
resting client order becomes marketable against the synthetic book. Between events nothing is
visited tick by tick: the ticks where a resting order crosses are found with numpy over the
stretch of reference path up to the next arrival.

At an instant shared by a tick and an arrival, the tick goes first: a book refreshes, then the
orders that reach it trade.
"""

import math
from array import array
from bisect import bisect_right
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from heapq import heappop, heappush
from typing import Any

import polars as pl

from simulators.exchange.backdoors import LATENCY_SPIKE, Backdoors
from simulators.exchange.book import ASK, BID, BUY, SELL, side_taken
from simulators.exchange.book_history import BookHistory
from simulators.exchange.client_book import ClientBook
from simulators.exchange.config import ExchangeConfig
from simulators.exchange.crossing import CrossingWatch
from simulators.exchange.draws import Draws
from simulators.exchange.impact import Impact
from simulators.exchange.ledger import Ledger
from simulators.exchange.liquidity import SyntheticLiquidity
from simulators.exchange.market import MarketPath
from simulators.exchange.matching import Execution, at_least_as_good, plan_taker
from simulators.exchange.orders import (
    ACCEPTED,
    CANCEL,
    CANCELLED,
    CLIENT_CANCEL,
    DUPLICATE_ORDER_ID,
    EXCHANGE_REJECT,
    EXCHANGE_UNAVAILABLE,
    FILLED,
    GTC,
    INSUFFICIENT_BALANCE,
    INVALID_ORDER,
    IOC_REMAINDER,
    LIMIT,
    LIQUIDITY_EXHAUSTED,
    MARKET,
    NEW,
    ORDER_NOT_OPEN,
    PARTIALLY_FILLED,
    POST_ONLY,
    POST_ONLY_WOULD_CROSS,
    REJECTED,
    UNKNOWN_ORDER,
    UNKNOWN_PAIR,
    Order,
    OrderRequest,
)
from simulators.exchange.records import Records
from simulators.exchange.settlement import MAKER, TAKER, Settlement
from simulators.seeding import stream
from simulators.time_grid import duration_us, to_us

Pending = tuple[int, int, OrderRequest, float]  # arrival_us, sequence, request, reject draw
_TAKEN = {BUY: ASK, SELL: BID}  # `side_taken` as a lookup, for the per-order paths
SEEK_NEAR = 32  # ticks a cursor looks ahead before searching the rest of the path


class Exchange:
    """One venue: synthetic books per pair around the reference, client orders, balances."""

    def __init__(
        self,
        markets: Mapping[str, MarketPath],
        opening_balances: pl.DataFrame,
        *,
        seed: int,
        config: ExchangeConfig | None = None,
        backdoors: Backdoors | None = None,
        start_us: int | None = None,
    ) -> None:
        if not markets:
            raise ValueError("an exchange needs at least one market")
        self.config = config or ExchangeConfig()
        self.markets = dict(sorted(markets.items()))
        self.backdoors = backdoors or Backdoors([])
        first_tick = min(int(m.ts[0]) for m in self.markets.values())
        self.clock_us = first_tick if start_us is None else start_us
        opening = opening_balances.select("account_id", "asset", "balance").rows()
        self.ledger = Ledger(opening, self.clock_us)
        self.records = Records()
        half_life_us = duration_us(self.config.impact_half_life)
        self.impact = {pair: Impact(half_life_us) for pair in self.markets}
        self._books = {pair: ClientBook() for pair in self.markets}
        self.watch = CrossingWatch(self.markets, self._books, self.impact)
        self.liquidity = SyntheticLiquidity(self.markets, self.config.levels)
        self.settlement = Settlement(self.markets, self.ledger, self.records, self.config)
        self._scalars = {pair: market.scalars for pair, market in self.markets.items()}
        self._spend_assets = {
            (pair, side): market.quote if side == BUY else market.base
            for pair, market in self.markets.items()
            for side in (BUY, SELL)
        }
        self._cursors = {
            pair: _Cursor(ticks.ts, ticks.reference, self.impact[pair])
            for pair, ticks in self._scalars.items()
        }
        self._last_scale = ("", -1, 1.0)  # pair, moment, latency scale
        self.book_history = BookHistory(
            self.records,
            self.clock_us,
            duration_us(self.config.book_sample_every),
            self.config.book_sample_levels,
        )
        self._pending: list[Pending] = []
        self._live: dict[str, Order] = {}
        self._seen: set[str] = set()
        self._sequence = 0
        entry_rng = stream(seed, "exchange", "entry_latency")
        reject_rng = stream(seed, "exchange", "order_rejects")
        # no lambda over `self`: a cycle would keep the exchange and its millions of records
        # alive until a collection, and the collector is paused while they are appended
        self._entry_delays = Draws(partial(self.config.entry_latency.sample_us, entry_rng))
        self._reject_draws = Draws(reject_rng.random)

    # -- the step API -------------------------------------------------------------------------

    def submit(self, request: Mapping[str, Any], now: datetime) -> None:
        """Send one ORDER_REQUESTS row at `now`, the client's present (the row's `ts`)."""
        self.submit_request(OrderRequest.from_row(request), to_us(now))

    def advance(self, now: datetime) -> None:
        """Process everything that happens up to and including `now`."""
        self.advance_us(to_us(now))

    def submit_request(self, request: OrderRequest, now_us: int) -> None:
        if request.ts_us != now_us:
            raise ValueError(
                f"order {request.order_id}: sent at {now_us}, but its ts says otherwise"
            )
        self.advance_us(now_us)
        delay = self._entry_delays.next() * self._latency_scale(request.pair, now_us)
        arrival = now_us + round(delay)
        heappush(self._pending, (arrival, self._sequence, request, self._reject_draws.next()))
        self._sequence += 1

    def advance_us(self, now_us: int) -> None:
        if now_us < self.clock_us:
            raise ValueError(f"time runs forward only: {now_us} is before {self.clock_us}")
        pending, watch, history = self._pending, self.watch, self.book_history
        if (not pending or pending[0][0] > now_us) and watch.idle:
            # the usual step: nothing arrives and nothing rests, so nothing can trade
            if history.unrecorded:  # most steps: no book changed since the last
                history.before(now_us + 1, self._books)
            self.clock_us = now_us
            return
        while True:
            due = pending[0][0] if pending and pending[0][0] <= now_us else None
            if not watch.idle:
                bound = now_us if due is None else due
                crossing = watch.next(bound)
                if crossing is not None:
                    self._cross(*crossing)
                    continue
                watch.checked_until(bound)
            if due is None:
                break
            arrival, _, request, draw = heappop(pending)
            if history.unrecorded:  # `before` tests it first: most arrivals, no call
                history.before(arrival, self._books)
            self.clock_us = arrival
            self._arrive(request, arrival, draw)
        if history.unrecorded:
            history.before(now_us + 1, self._books)
        self.clock_us = now_us

    def flush(self) -> None:
        """Record what the audit book samples still need; call once the run is over."""
        self.book_history.finish(self._books)

    @property
    def pending_until(self) -> int | None:
        """The last arrival still in flight, if any."""
        return max((p[0] for p in self._pending), default=None)

    def client_book(self, pair: str) -> ClientBook:
        return self._books[pair]

    def mid(self, pair: str, moment_us: int) -> float:
        """The venue mid in force at `moment_us`: the reference at the tick, with impact."""
        cursor = self._cursors[pair]
        # the same tick as last asked (most calls), else the cursor moves
        if cursor.low <= moment_us < cursor.high:
            k = cursor.k
        elif cursor.high <= moment_us < cursor.after:
            # `_seek`'s usual move, to the next tick, written out: a call less per pair a step
            k = cursor.k = cursor.k + 1
            cursor.low, cursor.high = cursor.high, cursor.after
            cursor.after = cursor.ts[k + 2] if k + 1 < cursor.last else math.inf
        else:
            k = self._seek(cursor, moment_us)
        # The mid at a tick is a function of the tick and the pair's impact pushes alone:
        # remembered until either changes, since a second's decisions and orders ask alike.
        impact = cursor.impact
        pushes = impact.pushes
        if k == cursor.mid_k and pushes == cursor.mid_pushes:
            return cursor.mid
        # `Impact.before`, its usual questions written out: no push yet (exp(0) is 1, the
        # reference itself), or a tick after the latest push
        tick = cursor.ts[k]
        if not pushes:
            mid = cursor.reference[k]
        elif impact.last_us < tick:
            decayed = impact.last_value * math.exp(-impact.rate * (tick - impact.last_us))
            mid = cursor.reference[k] * math.exp(decayed)
        else:
            mid = cursor.reference[k] * math.exp(impact.before(tick))
        cursor.mid, cursor.mid_k, cursor.mid_pushes = mid, k, pushes
        return mid

    def _tick(self, pair: str, moment_us: int) -> int:
        """`MarketPath.index`, remembered with the span of moments it answers for: one moment
        asks for its tick many times, and the next moment is most often the next tick, which
        is checked before searching."""
        cursor = self._cursors[pair]
        if cursor.low <= moment_us < cursor.high:
            return cursor.k
        return self._seek(cursor, moment_us)

    @staticmethod
    def _seek(cursor: "_Cursor", moment_us: int) -> int:
        """Move `cursor` to the tick of `moment_us`, outside its span."""
        if cursor.high <= moment_us < cursor.after:  # the next tick: most moves
            k = cursor.k = cursor.k + 1
            cursor.low, cursor.high = cursor.high, cursor.after
            cursor.after = cursor.ts[k + 2] if k + 1 < cursor.last else math.inf
            return k
        ts, last = cursor.ts, cursor.last
        k = cursor.k
        if k >= 0 and ts[k] <= moment_us:
            # A few ticks on (a pair read only by the 10 s reports): searched among the next
            # SEEK_NEAR first: 5 probes, not the 17 of a 36 h path (each probe makes an int).
            near = min(k + SEEK_NEAR, last + 1)
            k = bisect_right(ts, moment_us, k, near) - 1
            if k == near - 1 and near <= last:
                k = bisect_right(ts, moment_us, near) - 1
        else:
            k = max(bisect_right(ts, moment_us) - 1, 0)  # `MarketPath.index`
        # the first tick also answers for earlier moments, the last for every later one
        cursor.low = ts[k] if k > 0 else -math.inf
        cursor.high = ts[k + 1] if k < last else math.inf
        cursor.after = ts[k + 2] if k + 1 < last else math.inf
        cursor.k = k
        return k

    # -- resting orders meeting the synthetic book ---------------------------------------------

    def _cross(self, pair: str, k: int) -> None:
        """Tick k of `pair`: resting orders the synthetic touch reached trade at their own price,
        as makers, against the synthetic levels at or inside that price."""
        self.watch.checked_through(pair, k)
        moment = self.markets[pair].scalars.ts[k]
        self.book_history.before(moment, self._books)
        self.clock_us = moment
        mid = self.mid(pair, moment)
        book = self._books[pair]
        for side in (BUY, SELL):
            while (order := book.best(side)) is not None:
                synthetic = self.liquidity.levels(pair, k, mid, side_taken(side))
                plan = plan_taker(side, order.remaining(), order.price, synthetic, ())
                if not plan:
                    break
                self.liquidity.consume(pair, k, side_taken(side), plan)
                qty = sum(taken for _, taken, _, _ in plan)
                self.settlement.with_market(moment, order, order.price, qty, MAKER)
                self._report_fill(moment, order)
                if order.remaining() > 0.0:
                    break

    # -- arrivals -------------------------------------------------------------------------------

    def _arrive(self, request: OrderRequest, moment: int, draw: float) -> None:
        backdoors = self.backdoors
        if backdoors.any_downtime and backdoors.down(moment):
            self._reject(moment, request, EXCHANGE_UNAVAILABLE)
        elif backdoors.any_rejects and draw < backdoors.reject_fraction(moment):
            self._reject(moment, request, EXCHANGE_REJECT)
        elif request.action == CANCEL:
            self._cancel(moment, request)
        elif request.action != NEW or request.invalid():
            self._reject(moment, request, INVALID_ORDER)
        elif request.order_id in self._seen:
            self._reject(moment, request, DUPLICATE_ORDER_ID)
        elif request.pair not in self.markets:
            self._reject(moment, request, UNKNOWN_PAIR)
        else:
            self._new(moment, request)

    def _new(self, moment: int, request: OrderRequest) -> None:
        pair, side = request.pair, request.side
        book = self._books[pair]
        opposite = SELL if side == BUY else BUY
        k = self._tick(pair, moment)
        synthetic = self.liquidity.levels(pair, k, self.mid(pair, moment), _TAKEN[side])
        if request.order_type == LIMIT:
            assert request.limit_price is not None
            limit: float | None = request.limit_price
            needed = self.settlement.funds_needed_for_limit(side, request.qty, request.limit_price)
        else:
            limit = None
        if request.time_in_force == POST_ONLY and limit is not None:
            touch = book.best(opposite)
            # the synthetic book's best price is its touch (level 0: growth 1)
            if at_least_as_good(side, synthetic[0], limit) or (
                touch is not None and at_least_as_good(side, touch.price, limit)
            ):
                self._reject(moment, request, POST_ONLY_WOULD_CROSS)
                return
            plan: list[Execution] = []
        else:
            plan = plan_taker(side, request.qty, limit, synthetic, book.queue(opposite))
        if limit is None:
            notional = sum([price * qty for price, qty, _, _ in plan])
            needed = self.settlement.funds_needed_for_market(side, request.qty, notional)
        order = Order(request, self._sequence)
        # `Settlement.spend_asset`, looked up: asked once per order
        if self.ledger.available(request.account_id, self._spend_assets[pair, side]) < needed:
            self._reject(moment, request, INSUFFICIENT_BALANCE)
            return
        self._sequence += 1
        self._seen.add(request.order_id)
        self._live[request.order_id] = order
        self._event(moment, order, NEW, ACCEPTED, None)
        self._take(moment, k, order, plan)
        self._finish_taker(moment, order)

    def _take(self, moment: int, k: int, order: Order, plan: list[Execution]) -> None:
        pair = order.request.pair
        self.liquidity.consume(pair, k, _TAKEN[order.request.side], plan)
        from_market = 0.0
        with_market = self.settlement.with_market
        for price, qty, _, maker in plan:
            if maker is None:
                with_market(moment, order, price, qty, TAKER)
                # summed in plan order, as `sum` over the market's executions adds them
                from_market += qty
            else:
                self.settlement.between_clients(moment, order, maker, price, qty)
                self._report_fill(moment, maker)
        if from_market > 0:
            ticks = self._scalars[pair]
            move = self.config.impact_coef * ticks.level_step[k] * from_market / ticks.top_qty[k]
            self.impact[pair].push(moment, move if order.request.side == BUY else -move)
            self.watch.changed(pair)

    def _finish_taker(self, moment: int, order: Order) -> None:
        request = order.request
        remaining = order.remaining()
        if order.filled > 0:
            self._event(moment, order, NEW, FILLED if remaining == 0 else PARTIALLY_FILLED)
        if remaining == 0:
            self._close(order)
        elif request.order_type == LIMIT and request.time_in_force in (GTC, POST_ONLY):
            self.settlement.hold_remainder(order)
            self._books[request.pair].add(order)
            self._touch(request.pair)
            # an order rests from now on: no earlier tick may fill it
            self.watch.checked_through(
                request.pair, self.markets[request.pair].ticks_to(moment) - 1
            )
        else:
            reason = LIQUIDITY_EXHAUSTED if request.order_type == MARKET else IOC_REMAINDER
            self._event(moment, order, NEW, CANCELLED, reason)
            self._close(order)

    def _cancel(self, moment: int, request: OrderRequest) -> None:
        order = self._live.get(request.order_id)
        if order is None or order.request.account_id != request.account_id:
            known = request.order_id in self._seen and order is None
            self._reject(moment, request, ORDER_NOT_OPEN if known else UNKNOWN_ORDER)
            return
        self._books[order.request.pair].remove(order)
        self._touch(order.request.pair)
        self._event(moment, order, CANCEL, CANCELLED, CLIENT_CANCEL)
        self._close(order)

    def _report_fill(self, moment: int, order: Order) -> None:
        """A resting order traded: its update, and its exit from the book once filled."""
        self._event(moment, order, NEW, FILLED if order.remaining() == 0.0 else PARTIALLY_FILLED)
        self._touch(order.request.pair)
        if order.remaining() == 0.0:
            self._books[order.request.pair].remove(order)
            self._close(order)

    def _close(self, order: Order) -> None:
        if order.held > 0:  # only resting orders hold funds
            self.settlement.release(order)
        self._live.pop(order.request.order_id, None)

    # -- records --------------------------------------------------------------------------------

    def _reject(self, moment: int, request: OrderRequest, reason: str) -> None:
        order = self._live.get(request.order_id)
        filled = order.filled if order is not None else 0.0
        average = order.avg_price if order is not None else None
        self.records.events.append(
            moment,
            request.order_id,
            request.account_id,
            request.pair,
            request.action,
            REJECTED,
            filled,
            average,
            reason,
            self._latency_scale(request.pair, moment),
            reason == EXCHANGE_UNAVAILABLE,  # an error response: delivered even while down
        )

    def _event(
        self, moment: int, order: Order, action: str, status: str, reason: str | None = None
    ) -> None:
        request = order.request
        filled = order.filled
        # an order's events share their pair and instant: `_latency_scale`'s memo, checked here
        last_pair, last_moment, scale = self._last_scale
        if moment != last_moment or request.pair != last_pair:
            scale = self._latency_scale(request.pair, moment)
        self.records.events.append(
            moment,
            request.order_id,
            request.account_id,
            request.pair,
            action,
            status,
            filled,
            order.notional / filled if filled > 0 else None,  # `avg_price`, written out
            reason,
            scale,
            False,
        )

    def _latency_scale(self, pair: str, moment: int) -> float:
        """Latency medians rise with the pair's recent volatility and with a latency spike."""
        # an order's events share their pair and instant: the last answer is most often it
        last_pair, last_moment, last_scale = self._last_scale
        if moment == last_moment and pair == last_pair:
            return last_scale
        scale = self.backdoors.factor(LATENCY_SPIKE, moment)
        ticks = self._scalars.get(pair)
        if ticks is not None:
            scale *= ticks.volatility_factor[self._tick(pair, moment)]
        self._last_scale = (pair, moment, scale)
        return scale

    def _touch(self, pair: str) -> None:
        self.book_history.changed(pair, self.clock_us)
        self.watch.changed(pair)


class _Cursor:
    """A pair's tick last asked for, the moments [low, high) it is the tick of, and [high,
    after) the next tick's; and the mid last worked out, with the tick and impact pushes it was
    worked out at."""

    __slots__ = (
        "after",
        "high",
        "impact",
        "k",
        "last",
        "low",
        "mid",
        "mid_k",
        "mid_pushes",
        "reference",
        "ts",
    )

    def __init__(self, ts: "array[int]", reference: "array[float]", impact: Impact) -> None:
        self.ts = ts
        self.reference = reference
        self.impact = impact
        self.last = len(ts) - 1
        self.low: float = 1.0  # empty: the first question searches
        self.high: float = 0.0
        self.after: float = 0.0
        self.k = -1
        self.mid = math.nan
        self.mid_k = -1
        self.mid_pushes = -1
