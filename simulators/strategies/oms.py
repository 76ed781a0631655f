"""Pre-trade checks, as an order management system applies them before anything is sent."""

from collections import deque

from scenarios.strategy_kinds import StrategyParams
from simulators.strategies.base import OrderIntent, View, split

MINUTE_US = 60_000_000


class Oms:
    """Blocks an order that would exceed the strategy's order rate, or take one asset's USD
    position past `max_position_usd` (an order that reduces the position always passes)."""

    def __init__(self, params: StrategyParams, *, checked: bool) -> None:
        self.params = params
        self.checked = checked
        self._sent: deque[int] = deque()
        self._pending_usd: dict[str, float] = {}
        self._rate_messages: dict[int, str] = {}
        self._max_rate = params.max_orders_per_minute  # read per intent: a plain attribute

    def start_decision(self) -> None:
        self._pending_usd = {}

    def check(self, intent: OrderIntent, view: View) -> str | None:
        """Why `intent` may not be sent, or None; a passing intent counts as sent."""
        now = view.now_us
        sent = self._sent
        horizon = now - MINUTE_US
        while sent and sent[0] <= horizon:
            sent.popleft()
        if self.checked:
            count = len(sent)
            if count >= self._max_rate:
                # the rate first: a runaway or leaking strategy is blocked by it most seconds,
                # with a few counts between them: each worded once, looked up before calling
                return self._rate_messages.get(count) or self._rate(count)
            blocked = self._position(intent, view)
            if blocked is not None:
                return blocked
        sent.append(now)
        return None

    def _rate(self, sent: int) -> str:
        """Why `sent` orders in the last minute, the rate or more, block the next."""
        message = f"max_orders_per_minute: {sent} sent in the last minute"
        self._rate_messages[sent] = message
        return message

    def _position(self, intent: OrderIntent, view: View) -> str | None:
        base, _ = split(intent.pair)
        price = view.usd_price(base)
        if price is None:
            return None
        before = view.balance(base) * price + self._pending_usd.get(base, 0.0)  # position_usd
        change = intent.qty * price * (1 if intent.side == "buy" else -1)
        after = before + change
        if abs(after) > self.params.max_position_usd and abs(after) > abs(before):
            limit = self.params.max_position_usd
            return f"max_position_usd: {base} would reach {after:,.0f} USD (limit {limit:,.0f})"
        # orders of one decision are not filled yet when the next is checked
        self._pending_usd[base] = self._pending_usd.get(base, 0.0) + change
        return None
