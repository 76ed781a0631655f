"""The baseline the exchange engine is measured against: the obvious plain-Python matcher that
walks the clock one tick at a time, checks every pair's resting orders at every tick, and keeps
its client book in dicts and lists. Same book model (levels, spread, fees, impact), no latency,
no chaos and no records beyond a fill count."""

import math
from bisect import insort
from collections import defaultdict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BookShape:
    half_spread: float
    step: float
    top_qty: float
    levels: int = 40
    taker_fee: float = 5e-4
    maker_fee: float = 2e-4
    impact_coef: float = 0.1
    impact_decay_per_tick: float = 0.5 ** (1 / 30)


def match_per_tick(
    ticks: dict[str, list[float]],
    tick_us: list[int],
    orders: list[dict[str, Any]],
    shapes: dict[str, BookShape],
) -> int:
    """Run `orders` (ORDER_REQUESTS rows with `ts_us`) over prices on a shared tick grid;
    returns the number of fills made."""
    bids: dict[str, list[float]] = defaultdict(list)  # negated prices, sorted: best first
    asks: dict[str, list[float]] = defaultdict(list)
    queues: dict[tuple[str, str, float], list[list[Any]]] = defaultdict(list)
    live: dict[str, tuple[str, str, float]] = {}
    balances: dict[tuple[str, str], float] = defaultdict(float)
    impact = dict.fromkeys(ticks, 0.0)
    fills = 0
    cursor = 0
    for i in range(len(tick_us)):
        following = tick_us[i + 1] if i + 1 < len(tick_us) else math.inf
        for pair, prices in ticks.items():
            impact[pair] *= shapes[pair].impact_decay_per_tick
            mid = prices[i] * math.exp(impact[pair])
            fills += _rest_cross(pair, mid, shapes[pair], bids, asks, queues, live, balances)
        while cursor < len(orders) and orders[cursor]["ts_us"] < following:
            row = orders[cursor]
            cursor += 1
            pair = row["pair"]
            if row["action"] == "cancel":
                _cancel(row["order_id"], bids, asks, queues, live)
                continue
            mid = ticks[pair][i] * math.exp(impact[pair])
            made, taken = _take(row, mid, shapes[pair], bids, asks, queues, live, balances)
            fills += made
            push = shapes[pair].impact_coef * shapes[pair].step * taken / shapes[pair].top_qty
            impact[pair] += push if row["side"] == "buy" else -push
    return fills


def _levels(mid: float, shape: BookShape, side: str) -> list[tuple[float, float]]:
    if side == "ask":
        touch = mid * (1 + shape.half_spread)
        return [
            (touch * (1 + shape.step) ** k, shape.top_qty * (1 + k)) for k in range(shape.levels)
        ]
    touch = mid * (1 - shape.half_spread)
    return [(touch / (1 + shape.step) ** k, shape.top_qty * (1 + k)) for k in range(shape.levels)]


def _rest_cross(
    pair: str,
    mid: float,
    shape: BookShape,
    bids: dict[str, list[float]],
    asks: dict[str, list[float]],
    queues: dict[tuple[str, str, float], list[list[Any]]],
    live: dict[str, tuple[str, str, float]],
    balances: dict[tuple[str, str], float],
) -> int:
    fills = 0
    for side, prices in (("buy", bids[pair]), ("sell", asks[pair])):
        if prices and _touch_crosses(side, prices, mid, shape):
            levels = _levels(mid, shape, "ask" if side == "buy" else "bid")
            fills += _fill_resting(pair, side, prices, levels, shape, queues, live, balances)
    return fills


def _touch_crosses(side: str, prices: list[float], mid: float, shape: BookShape) -> bool:
    """The cheap check first: most ticks cross nothing."""
    if side == "buy":
        return mid * (1 + shape.half_spread) <= -prices[0]
    return mid * (1 - shape.half_spread) >= prices[0]


def _fill_resting(
    pair: str,
    side: str,
    prices: list[float],
    levels: list[tuple[float, float]],
    shape: BookShape,
    queues: dict[tuple[str, str, float], list[list[Any]]],
    live: dict[str, tuple[str, str, float]],
    balances: dict[tuple[str, str], float],
) -> int:
    fills = 0
    used = [0.0] * len(levels)
    while prices:
        price = -prices[0] if side == "buy" else prices[0]
        reachable = [
            k for k, (p, _) in enumerate(levels) if (p <= price if side == "buy" else p >= price)
        ]
        if not reachable:
            return fills
        queue = queues[(pair, side, price)]
        while queue:
            entry = queue[0]
            for k in reachable:
                take = min(entry[2], levels[k][1] - used[k])
                if take > 0:
                    used[k] += take
                    entry[2] -= take
                    _settle(balances, entry[1], pair, side, price, take, shape.maker_fee)
                    fills += 1
            if entry[2] > 1e-12:
                return fills  # the levels within reach are used up for this tick
            queue.pop(0)
            live.pop(entry[0], None)
        prices.pop(0)
    return fills


def _take(
    row: dict[str, Any],
    mid: float,
    shape: BookShape,
    bids: dict[str, list[float]],
    asks: dict[str, list[float]],
    queues: dict[tuple[str, str, float], list[list[Any]]],
    live: dict[str, tuple[str, str, float]],
    balances: dict[tuple[str, str], float],
) -> tuple[int, float]:
    """Walk client orders and synthetic levels, best price first: (fills, qty from market)."""
    pair, side, limit = row["pair"], row["side"], row["limit_price"]
    buying = side == "buy"
    synthetic = _levels(mid, shape, "ask" if buying else "bid")
    resting = asks[pair] if buying else bids[pair]
    if row["time_in_force"] == "post_only" and limit is not None:
        best_client = (resting[0] if buying else -resting[0]) if resting else None
        touch = synthetic[0][0]
        crossing = [p for p in (touch, best_client) if p is not None]
        if any((p <= limit) if buying else (p >= limit) for p in crossing):
            return 0, 0.0
    remaining, fills, from_market = row["qty"], 0, 0.0
    level = 0
    while remaining > 1e-12:
        client = (resting[0] if buying else -resting[0]) if resting else None
        quote = synthetic[level][0] if level < len(synthetic) else None
        use_client = client is not None and (
            quote is None or (client <= quote if buying else client >= quote)
        )
        price = client if use_client else quote
        if price is None or (limit is not None and (price > limit if buying else price < limit)):
            break
        if use_client:
            queue = queues[(pair, "sell" if buying else "buy", price)]
            entry = queue[0]
            take = min(remaining, entry[2])
            entry[2] -= take
            if entry[2] <= 1e-12:
                queue.pop(0)
                live.pop(entry[0], None)
                if not queue:
                    resting.pop(0)
        else:
            take = min(remaining, synthetic[level][1])
            from_market += take
            level += 1
        remaining -= take
        _settle(balances, row["account_id"], pair, side, price, take, shape.taker_fee)
        fills += 1
    if remaining > 1e-12 and row["order_type"] == "limit" and row["time_in_force"] != "ioc":
        book = bids[pair] if buying else asks[pair]
        key = -limit if buying else limit
        if key not in book:
            insort(book, key)
        queues[(pair, side, limit)].append([row["order_id"], row["account_id"], remaining])
        live[row["order_id"]] = (pair, side, limit)
    return fills, from_market


def _cancel(
    order_id: str,
    bids: dict[str, list[float]],
    asks: dict[str, list[float]],
    queues: dict[tuple[str, str, float], list[list[Any]]],
    live: dict[str, tuple[str, str, float]],
) -> None:
    where = live.pop(order_id, None)
    if where is None:
        return
    pair, side, price = where
    queue = queues[where]
    queue[:] = [entry for entry in queue if entry[0] != order_id]
    if not queue:
        book = bids[pair] if side == "buy" else asks[pair]
        book.remove(-price if side == "buy" else price)


def _settle(
    balances: dict[tuple[str, str], float],
    account: str,
    pair: str,
    side: str,
    price: float,
    qty: float,
    fee_rate: float,
) -> None:
    base, quote = pair.split("/")
    sign = 1.0 if side == "buy" else -1.0
    balances[(account, base)] += sign * qty
    balances[(account, quote)] -= sign * qty * price + qty * price * fee_rate
