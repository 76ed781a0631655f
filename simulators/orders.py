"""A scenario's scripted orders as the requests a desk's order gateway would send."""

from datetime import datetime, timedelta

import polars as pl

from scenarios.loader import ValidScenario
from scenarios.model import ScriptedOrder
from simulators.schemas import ORDER_REQUESTS


def scripted_orders(scenario: ValidScenario) -> pl.DataFrame:
    """ORDER_REQUESTS: one `new` request per scripted order and repetition, sorted by ts."""
    rows = [
        _request(order, sent, f"{order.id}-{n:05d}")
        for order in scenario.spec.orders
        for n, sent in enumerate(_times(order, scenario.start, scenario.end))
    ]
    return pl.DataFrame(rows, schema=ORDER_REQUESTS).sort("ts", "order_id")


def _times(order: ScriptedOrder, start: datetime, end: datetime) -> list[datetime]:
    first = _resolve(order.at, start)
    if order.every is None:
        return [first]
    until = end if order.until is None else min(end, _resolve(order.until, start))
    count = max(0, -(-(until - first) // order.every))  # ceil: times strictly before `until`
    return [first + n * order.every for n in range(count)]


def _resolve(moment: timedelta | datetime, start: datetime) -> datetime:
    return moment if isinstance(moment, datetime) else start + moment


def _request(order: ScriptedOrder, sent: datetime, order_id: str) -> dict[str, object]:
    return {
        "ts": sent,
        "order_id": order_id,
        "account_id": order.account,
        "pair": order.pair,
        "action": "new",
        "side": order.side,
        "order_type": order.type,
        "time_in_force": order.time_in_force,
        "qty": order.qty,
        "limit_price": order.limit_price,
    }
