"""The exchange engine's order book on its own: the same objects and functions the engine
matches with (client orders resting in a `ClientBook` in price-time priority, the synthetic
depth as the `Depth` tuple `SyntheticLiquidity` gives, refilled every tick, `plan_taker`
walking both best price first), driven order after order without what the engine adds around
a match: entry latency, funds checks and holds, the ledger, fees, market impact and the
order-event records.

Its input is what the engine receives: `OrderRequest`s, built by the client before they arrive
(`engine_requests`, outside the timing, as the textbook book's input is built before it)."""

from benchmarks.order_flow import BookOrder
from simulators.exchange.book import BUY, SELL, level_growth
from simulators.exchange.client_book import ClientBook
from simulators.exchange.matching import plan_taker
from simulators.exchange.orders import CANCEL, LIMIT, MARKET, NEW, Order, OrderRequest

HALF_SPREAD = 2e-4
LEVEL_STEP = 5e-4
LEVELS = 40
ORDERS_PER_TICK = 4  # the synthetic depth refills every tick

Arrival = tuple[OrderRequest, float]  # the request, and the reference mid when it arrives


def engine_requests(orders: list[BookOrder]) -> list[Arrival]:
    return [(_request(order), order.mid) for order in orders]


def match_engine_book(arrivals: list[Arrival], top_qty: float = 1.0) -> int:
    book = ClientBook()
    live: dict[str, Order] = {}
    growth = level_growth(LEVEL_STEP, LEVELS)
    # what this tick's fills took of each synthetic level, per side, made when first taken from
    # (as the engine's SyntheticLiquidity does)
    used: dict[str, list[float]] = {}
    fills = 0
    for seq, (request, mid) in enumerate(arrivals):
        if seq % ORDERS_PER_TICK == 0:
            used = {}
        order_id, action, side = request.order_id, request.action, request.side
        qty, limit = request.qty, request.limit_price
        if action == CANCEL:
            resting = live.pop(order_id, None)
            if resting is not None:
                book.remove(resting)
            continue
        buying = side == BUY
        taken = used.get(side)
        if taken is None:
            taken = used[side] = [0.0] * LEVELS
        synthetic = (
            mid * (1.0 + HALF_SPREAD) if buying else mid * (1.0 - HALF_SPREAD),
            not buying,
            growth,
            top_qty,
            taken,
        )
        plan = plan_taker(side, qty, limit, synthetic, book.queue(SELL if buying else BUY))
        taker = Order(request, seq)
        for _, take, level, maker in plan:
            if maker is None:
                taken[level] += take
            else:
                maker.filled += take
                if maker.remaining() == 0.0:
                    book.remove(maker)
                    del live[maker.order_id]
            taker.filled += take
        fills += len(plan)
        if limit is not None and taker.remaining() > 0.0:
            book.add(taker)
            live[order_id] = taker
    return fills


def _request(order: BookOrder) -> OrderRequest:
    if order.kind == "cancel":
        return OrderRequest(0, order.order_id, "desk", "BTC/USD", CANCEL, order.side, "", "",
                            0.0, None)  # fmt: skip
    kind = MARKET if order.price is None else LIMIT
    return OrderRequest(0, order.order_id, "desk", "BTC/USD", NEW, order.side, kind, "gtc",
                        order.qty, order.price)  # fmt: skip
