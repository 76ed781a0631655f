"""One strategy at its desk: the strategy, its OMS, what it has seen, and its books."""

from collections.abc import Mapping, Sequence
from operator import mul

from scenarios.model import TypedStrategy
from simulators.exchange.engine import Exchange
from simulators.exchange.ledger import Ledger
from simulators.exchange.orders import NEW, OrderRequest
from simulators.seeding import stream
from simulators.strategies.base import QUOTE, OrderIntent, Strategy, View, split, usd_price
from simulators.strategies.desk_records import DeskLog, DeskReports
from simulators.strategies.lazy_views import AccountBalances, VenueMids
from simulators.strategies.oms import Oms
from simulators.strategies.registry import STRATEGIES, UNCHECKED
from simulators.strategies.tape import Tape
from simulators.time_grid import to_us

PUBLISH_DELAY_US = 1_000_000  # the strategy API serves a snapshot a second after it is taken


class Desk:
    def __init__(self, spec: TypedStrategy, seed: int) -> None:
        self.spec = spec
        self.strategy: Strategy = STRATEGIES[spec.kind](spec, stream(seed, "strategy", spec.id))
        self.oms = Oms(spec.params, checked=spec.kind not in UNCHECKED)
        self.windows_us = [(to_us(a), to_us(b)) for a, b in spec.windows]
        # The mids at its decisions: its own tape, recorded as it decides, unless it shares its
        # schedule's (`share`), which the co-simulation records once for every desk on it.
        self._tape: Tape | None = Tape(spec.pairs)
        self.history = self._tape.history
        self.fills = 0
        self.turnover_usd = 0.0
        self.opening_usd: float | None = None
        self._orders = 0
        self._blocked_reasons: dict[tuple[str, str], str] = {}
        self._view: View | None = None
        self.assets: list[str] = []  # the venue's, sorted: set at the first decision
        self._asset_keys: list[tuple[str, str]] = []  # (account, asset) of each of `assets`
        # What the desk's tables need beyond its own id, kind and account: strategy_log rows,
        # and per report a strategy_performance row per asset.
        self.log = DeskLog()
        self.performance = DeskReports()
        # read every decision: plain attributes, not the validated spec's
        self._id = spec.id
        self._account = spec.account

    def share(self, tape: Tape) -> None:
        """Read the mids of `tape`, which holds this desk's pairs, recorded by the caller at
        each of this desk's decisions before the desk decides."""
        self.history = {pair: tape.history[pair] for pair in self.spec.pairs}
        self._tape = None

    def observe_fill(self, pair: str, price: float, qty: float, mids: Mapping[str, float]) -> None:
        """Count a new fill of this account and its notional in USD (turnover)."""
        self.fills += 1
        quote = split(pair)[1]
        # most fills are quoted in USD: `usd_price`'s first answer, without calling it per fill
        usd = 1.0 if quote == QUOTE else (usd_price(quote, mids) or 0.0)
        self.turnover_usd += price * qty * usd

    def decide(self, moment: int, mids: VenueMids, exchange: Exchange) -> list[OrderRequest]:
        if self._tape is not None:
            self._tape.record(mids)
        # One view per desk, brought up to date: a view per decision was a tenth of the
        # decision's cost, and no strategy keeps one past its `decide`.
        view = self._view
        if view is None:
            balances = self._balances(exchange.ledger, mids)
            view = self._view = View(moment, mids, balances, seen=self.history)
            self.opening_usd = _value(balances, mids)
        else:
            view.now_us = moment
            view.mids = mids
        view.fills = self.fills
        intents = self.strategy.decide(moment, view)
        if not intents:  # most decisions
            return []
        oms = self.oms
        oms.start_decision()
        requests = []
        log = self.log.append
        for intent in intents:
            blocked = oms.check(intent, view)
            if blocked is None:
                order_id = f"{self._id}-s{self._orders:07d}"
                self._orders += 1
                log(moment, "submit", order_id, intent.pair, intent.side, intent.qty, intent.reason)
                requests.append(self._request(moment, intent, order_id))
            else:
                # the desk's worded reasons, looked up before calling to word one
                reason = self._blocked_reasons.get((blocked, intent.reason))
                if reason is None:
                    reason = self._blocked_reason(blocked, intent.reason)
                log(moment, "blocked", None, intent.pair, intent.side, intent.qty, reason)
        return requests

    def report(self, moment: int, prices: Sequence[float], ledger: Ledger) -> None:
        """A snapshot of the desk's strategy API, once the strategy has started.

        `prices`: each of the venue's assets in USD at `moment` (0 if nothing prices it), in the
        order of `assets`; the same for every desk, so the caller works them out once."""
        if self.opening_usd is None:
            return
        positions = ledger.balances_at(self._asset_keys)
        # `map`, not a comprehension: no frame per report, and the same products summed in order
        value = sum(map(mul, positions, prices))
        self.performance.append(moment, value - self.opening_usd, self.turnover_usd, positions)

    def _blocked_reason(self, blocked: str, reason: str) -> str:
        # A strategy past its rate limit is blocked for the same few reasons second after
        # second: each worded once (and forgotten if the wording keeps changing).
        key = (blocked, reason)
        worded = self._blocked_reasons.get(key)
        if worded is None:
            if len(self._blocked_reasons) >= 1024:
                self._blocked_reasons.clear()
            worded = self._blocked_reasons[key] = f"{blocked} ({reason})"
        return worded

    def _balances(self, ledger: Ledger, mids: Mapping[str, float]) -> Mapping[str, float]:
        # The venue lists the same pairs all run long, and the view reads the ledger live:
        # built once, at the first decision.
        self.assets = sorted({a for pair in mids for a in split(pair)})
        self._asset_keys = [(self._account, asset) for asset in self.assets]
        return AccountBalances(ledger, self._account, self.assets)

    def _request(self, moment: int, intent: OrderIntent, order_id: str) -> OrderRequest:
        # positional: each keyword costs a name match
        return OrderRequest(
            moment,  # ts_us
            order_id,
            self._account,
            intent.pair,
            NEW,  # action
            intent.side,
            intent.order_type,
            intent.time_in_force,
            intent.qty,
            intent.limit_price,
        )


def _value(balances: Mapping[str, float], mids: Mapping[str, float]) -> float:
    """USD value at venue mids; an asset nothing prices counts for nothing."""
    return sum(amount * (usd_price(asset, mids) or 0.0) for asset, amount in balances.items())
