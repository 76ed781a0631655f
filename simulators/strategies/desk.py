"""One strategy at its desk: the strategy, its OMS, what it has seen, and its books."""

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from scenarios.model import TypedStrategy
from simulators.exchange.engine import Exchange
from simulators.exchange.ledger import Ledger
from simulators.exchange.orders import NEW, OrderRequest
from simulators.exchange.records import FillRow
from simulators.seeding import stream
from simulators.strategies.base import OrderIntent, Strategy, View, split, usd_price
from simulators.strategies.lazy_views import AccountBalances
from simulators.strategies.oms import Oms
from simulators.strategies.registry import STRATEGIES, UNCHECKED
from simulators.time_grid import to_us

HISTORY = 10_001  # decisions of mids kept: enough for any lookback the params allow
PUBLISH_DELAY_US = 1_000_000  # the strategy API serves a snapshot a second after it is taken


@dataclass
class Rows:
    log: list[tuple[object, ...]] = field(default_factory=list)
    performance: list[tuple[object, ...]] = field(default_factory=list)


class Desk:
    def __init__(self, spec: TypedStrategy, seed: int) -> None:
        self.spec = spec
        self.strategy: Strategy = STRATEGIES[spec.kind](spec, stream(seed, "strategy", spec.id))
        self.oms = Oms(spec.params, checked=spec.kind not in UNCHECKED)
        self.windows_us = [(to_us(a), to_us(b)) for a, b in spec.windows]
        self.history: dict[str, deque[float]] = {p: deque(maxlen=HISTORY) for p in spec.pairs}
        self.fills = 0
        self.turnover_usd = 0.0
        self.opening_usd: float | None = None
        self._seen_fills = 0
        self._seq = 0
        self._orders = 0
        self._balances_view: AccountBalances | None = None
        # read every decision: plain attributes, not the validated spec's
        self._id = spec.id
        self._account = spec.account
        self._histories = [(pair, self.history[pair]) for pair in spec.pairs]

    def observe_fills(self, fills: list[FillRow], mids: Mapping[str, float]) -> None:
        """Count this account's new fills and their notional in USD (turnover)."""
        if len(fills) == self._seen_fills:
            return
        for row in fills[self._seen_fills :]:
            if row[3] == self._account:
                self.fills += 1
                quote = split(row[4])[1]
                self.turnover_usd += row[6] * row[7] * (usd_price(quote, mids) or 0.0)
        self._seen_fills = len(fills)

    def decide(
        self, moment: int, mids: Mapping[str, float], exchange: Exchange, rows: Rows
    ) -> list[OrderRequest]:
        for pair, seen in self._histories:
            seen.append(mids[pair])
        balances = self._balances(exchange.ledger, mids)
        view = View(moment, mids, balances, fills=self.fills, seen=self.history)
        if self.opening_usd is None:
            self.opening_usd = _value(view.balances, mids)
        self.oms.start_decision()
        requests = []
        for intent in self.strategy.decide(moment, view):
            blocked = self.oms.check(intent, view)
            order_id = None if blocked else f"{self._id}-s{self._orders:07d}"
            self._log(moment, intent, order_id, blocked, rows)
            if order_id is not None:
                self._orders += 1
                requests.append(self._request(moment, intent, order_id))
        return requests

    def report(
        self, moment: int, mids: Mapping[str, float], ledger: Ledger, every_us: int, rows: Rows
    ) -> None:
        """A snapshot of the desk's strategy API, once the strategy has started."""
        if self.opening_usd is None:
            return
        balances = self._balances(ledger, mids)
        pnl = _value(balances, mids) - self.opening_usd
        for asset, position in sorted(balances.items()):
            rows.performance.append(
                (
                    moment,
                    self.spec.id,
                    self.spec.account,
                    asset,
                    position,
                    pnl,
                    self.turnover_usd,
                    moment + PUBLISH_DELAY_US,
                )
            )

    def _balances(self, ledger: Ledger, mids: Mapping[str, float]) -> Mapping[str, float]:
        # The venue lists the same pairs all run long, and the view reads the ledger live:
        # build it once.
        if self._balances_view is None:
            assets = sorted({a for pair in mids for a in split(pair)})
            self._balances_view = AccountBalances(ledger, self._account, assets)
        return self._balances_view

    def _log(
        self,
        moment: int,
        intent: OrderIntent,
        order_id: str | None,
        blocked: str | None,
        rows: Rows,
    ) -> None:
        decision = "submit" if blocked is None else "blocked"
        reason = intent.reason if blocked is None else f"{blocked} ({intent.reason})"
        rows.log.append(
            (
                moment,
                self.spec.id,
                self.spec.kind,
                self._seq,
                decision,
                order_id,
                intent.pair,
                intent.side,
                intent.qty,
                reason,
            )
        )
        self._seq += 1

    def _request(self, moment: int, intent: OrderIntent, order_id: str) -> OrderRequest:
        return OrderRequest(
            ts_us=moment,
            order_id=order_id,
            account_id=self.spec.account,
            pair=intent.pair,
            action=NEW,
            side=intent.side,
            order_type=intent.order_type,
            time_in_force=intent.time_in_force,
            qty=intent.qty,
            limit_price=intent.limit_price,
        )


def _value(balances: Mapping[str, float], mids: Mapping[str, float]) -> float:
    """USD value at venue mids; an asset nothing prices counts for nothing."""
    return sum(amount * (usd_price(asset, mids) or 0.0) for asset, amount in balances.items())
