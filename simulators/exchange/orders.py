"""Order requests as clients send them, and orders as the engine keeps them."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulators.time_grid import to_us

NEW, CANCEL = "new", "cancel"
MARKET, LIMIT = "market", "limit"
GTC, IOC, POST_ONLY = "gtc", "ioc", "post_only"

ACCEPTED = "accepted"
REJECTED = "rejected"
PARTIALLY_FILLED = "partially_filled"
FILLED = "filled"
CANCELLED = "cancelled"

INSUFFICIENT_BALANCE = "insufficient_balance"
UNKNOWN_PAIR = "unknown_pair"
INVALID_ORDER = "invalid_order"
DUPLICATE_ORDER_ID = "duplicate_order_id"
POST_ONLY_WOULD_CROSS = "post_only_would_cross"
EXCHANGE_REJECT = "exchange_reject"
EXCHANGE_UNAVAILABLE = "exchange_unavailable"
UNKNOWN_ORDER = "unknown_order"
ORDER_NOT_OPEN = "order_not_open"
IOC_REMAINDER = "ioc_remainder"
LIQUIDITY_EXHAUSTED = "liquidity_exhausted"
CLIENT_CANCEL = "client_cancel"

# A remainder this small relative to the order is float dust from summing partial fills.
DUST = 1e-12


@dataclass(slots=True)
class OrderRequest:
    """One ORDER_REQUESTS row; never changed once made.

    A dataclass with slots, neither frozen nor a named tuple: a co-simulation's strategies send
    one every couple of seconds for days, and the engine reads its fields some forty times per
    order. A slot is read three times faster than a named tuple's field (a descriptor the
    interpreter does not specialise), and the row is built twice as fast as a named tuple
    (three times as fast as a frozen dataclass, which sets each field through a call)."""

    ts_us: int
    order_id: str
    account_id: str
    pair: str
    action: str
    side: str
    order_type: str
    time_in_force: str
    qty: float
    limit_price: float | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "OrderRequest":
        ts = row["ts"]
        limit = row.get("limit_price")
        qty = row.get("qty")
        return cls(
            ts_us=to_us(ts) if isinstance(ts, datetime) else int(ts),
            order_id=str(row["order_id"]),
            account_id=str(row["account_id"]),
            pair=str(row["pair"]),
            action=str(row["action"]),
            side=str(row.get("side") or ""),
            order_type=str(row.get("order_type") or ""),
            time_in_force=str(row.get("time_in_force") or ""),
            qty=float(qty) if qty is not None else math.nan,
            limit_price=float(limit) if limit is not None else None,
        )

    def invalid(self) -> bool:
        """A new order the engine cannot even read: unknown side, type or time in force,
        a non-positive quantity, or a limit order without a positive limit price."""
        if self.side not in ("buy", "sell") or self.order_type not in (MARKET, LIMIT):
            return True
        if not (math.isfinite(self.qty) and self.qty > 0):
            return True
        if self.order_type == MARKET:
            return False
        if self.time_in_force not in (GTC, IOC, POST_ONLY):
            return True
        return self.limit_price is None or not (
            math.isfinite(self.limit_price) and self.limit_price > 0
        )


class Order:
    """A live order: what it asked for, what it has done, and the funds it holds.

    The request's fields that matching reads on every pass (id, side, limit, quantity) are
    copied into slots once: read through the request, with `price` and `remaining` as
    properties, they were a fifth of the order book's time. `remaining` is a method: the
    interpreter calls a method in a third less time than it reads a property."""

    __slots__ = (
        "_dust",
        "filled",
        "fills",
        "held",
        "notional",
        "order_id",
        "price",
        "qty",
        "request",
        "seq",
        "side",
    )

    def __init__(self, request: OrderRequest, seq: int) -> None:
        self.request = request
        self.seq = seq
        self.order_id = request.order_id
        self.side = request.side
        # The limit price. A market order never rests, so nothing asks for its price: NaN.
        limit = request.limit_price
        self.price: float = math.nan if limit is None else limit
        self.qty = qty = request.qty  # a request's field costs a lookup each time it is read
        self._dust = DUST * qty
        self.filled = 0.0
        self.notional = 0.0
        self.held = 0.0
        self.fills = 0

    def remaining(self) -> float:
        left = self.qty - self.filled
        return 0.0 if left <= self._dust else left

    @property
    def avg_price(self) -> float | None:
        return self.notional / self.filled if self.filled > 0 else None

    def next_fill_id(self) -> str:
        self.fills += 1
        return f"{self.order_id}-{self.fills}"
