"""The exchange engine's order book on its own: the same objects and functions the engine
matches with (client orders resting in a `ClientBook` in price-time priority, the synthetic
depth as a `BookSide` refilled every tick, `plan_taker` walking both best price first), driven
order after order without what the engine adds around a match: entry latency, funds checks and
holds, the ledger, fees, market impact and the order-event records."""

from benchmarks.order_flow import BookOrder
from simulators.exchange.book import BUY, SELL, level_growth
from simulators.exchange.client_book import ClientBook
from simulators.exchange.liquidity import BookSide
from simulators.exchange.matching import plan_taker
from simulators.exchange.orders import LIMIT, MARKET, NEW, Order, OrderRequest

HALF_SPREAD = 2e-4
LEVEL_STEP = 5e-4
LEVELS = 40
ORDERS_PER_TICK = 4  # the synthetic depth refills every tick


def match_engine_book(orders: list[BookOrder], top_qty: float = 1.0) -> int:
    book = ClientBook()
    live: dict[str, Order] = {}
    growth = level_growth(LEVEL_STEP, LEVELS)
    used = {BUY: [0.0] * LEVELS, SELL: [0.0] * LEVELS}
    fills = 0
    for seq, order in enumerate(orders):
        if seq % ORDERS_PER_TICK == 0:
            used = {BUY: [0.0] * LEVELS, SELL: [0.0] * LEVELS}
        if order.kind == "cancel":
            resting = live.pop(order.order_id, None)
            if resting is not None:
                book.remove(resting)
            continue
        side = order.side
        buying = side == BUY
        touch = order.mid * (1.0 + HALF_SPREAD if buying else 1.0 - HALF_SPREAD)
        synthetic = BookSide(touch, not buying, growth, top_qty, used[side])
        plan = plan_taker(
            side, order.qty, order.price, synthetic, book.in_priority(SELL if buying else BUY)
        )
        taker = Order(_request(order), seq)
        for _, qty, level, maker in plan:
            if maker is None:
                used[side][level] += qty
            else:
                maker.filled += qty
                if maker.remaining == 0:
                    book.remove(maker)
                    del live[maker.order_id]
            taker.filled += qty
        fills += len(plan)
        if order.price is not None and taker.remaining > 0:
            book.add(taker)
            live[order.order_id] = taker
    return fills


def _request(order: BookOrder) -> OrderRequest:
    kind = MARKET if order.price is None else LIMIT
    return OrderRequest(0, order.order_id, "desk", "BTC/USD", NEW, order.side, kind, "gtc",
                        order.qty, order.price)  # fmt: skip
