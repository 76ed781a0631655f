"""Fills and money: the fill rows, the balance moves, the fees, the funds resting orders hold.

Every fill moves base one way and quote the other between two accounts, and its fee from the
payer to the fee account, in the quote asset. Fills against synthetic depth have the synthetic
market account on the other side, so no asset is ever created or destroyed.
"""

from collections.abc import Mapping

from simulators.exchange.book import BUY
from simulators.exchange.config import ExchangeConfig
from simulators.exchange.ledger import Ledger
from simulators.exchange.market import MarketPath
from simulators.exchange.orders import Order
from simulators.exchange.records import Records

MAKER, TAKER = "maker", "taker"


class Settlement:
    def __init__(
        self,
        markets: Mapping[str, MarketPath],
        ledger: Ledger,
        records: Records,
        config: ExchangeConfig,
    ) -> None:
        self._markets = markets
        self._ledger = ledger
        self._records = records
        self._config = config
        self._max_fee = max(config.maker_fee, config.taker_fee)
        self._assets = {pair: (m.base, m.quote) for pair, m in markets.items()}
        # read per fill: plain attributes, not the config's properties
        self._fees = {TAKER: config.taker_fee, MAKER: config.maker_fee}
        self._market_account = config.market_account
        self._fee_account = config.fee_account

    def funds_needed_for_limit(self, side: str, qty: float, limit: float) -> float:
        """A limit order must cover its worst case: the limit price plus the higher fee."""
        return qty * limit * (1.0 + self._max_fee) if side == BUY else qty

    def funds_needed_for_market(self, side: str, qty: float, notional: float) -> float:
        return notional * (1.0 + self._config.taker_fee) if side == BUY else qty

    def spend_asset(self, order: Order) -> str:
        market = self._markets[order.request.pair]
        return market.quote if order.side == BUY else market.base

    def with_market(
        self, moment: int, order: Order, price: float, qty: float, liquidity: str
    ) -> None:
        """`order` traded `qty` at `price` with the synthetic market."""
        fee = price * qty * self._fees[liquidity]
        request = order.request
        base, quote = self._assets[request.pair]
        # `_fill`, `_exchange` and `_pay_fee` written out: nearly every order ends here, once
        order.filled += qty
        order.notional += price * qty
        if order.held > 0:
            self._release_held(order, qty)
        order.fills += 1
        self._records.fills.append(
            moment,
            f"{request.order_id}-{order.fills}",  # `Order.next_fill_id`
            request.order_id,
            request.account_id,
            request.pair,
            request.side,
            price,
            qty,
            fee,
            quote,
            liquidity,
        )
        client, market = request.account_id, self._market_account
        buyer, seller = (client, market) if request.side == BUY else (market, client)
        move = self._ledger.move
        move(moment, seller, buyer, base, qty)
        move(moment, buyer, seller, quote, qty * price)
        move(moment, client, self._fee_account, quote, fee)

    def between_clients(
        self, moment: int, taker: Order, maker: Order, price: float, qty: float
    ) -> None:
        taker_fee = price * qty * self._config.taker_fee
        maker_fee = price * qty * self._config.maker_fee
        self._fill(moment, taker, price, qty, taker_fee, TAKER)
        self._fill(moment, maker, price, qty, maker_fee, MAKER)
        buyer, seller = (taker, maker) if taker.side == BUY else (maker, taker)
        buyer_id, seller_id = buyer.request.account_id, seller.request.account_id
        self._exchange(moment, taker.request.pair, buyer_id, seller_id, qty, price)
        self._pay_fee(moment, taker, taker_fee)
        self._pay_fee(moment, maker, maker_fee)

    def hold_remainder(self, order: Order) -> None:
        """An order about to rest holds what its remainder could cost."""
        order.held = order.remaining() * self._hold_per_unit(order)
        self._ledger.hold(order.request.account_id, self.spend_asset(order), order.held)

    def release(self, order: Order) -> None:
        """A closed order gives back whatever it still holds."""
        if order.held > 0:
            self._ledger.release(order.request.account_id, self.spend_asset(order), order.held)
            order.held = 0.0

    def _fill(
        self, moment: int, order: Order, price: float, qty: float, fee: float, liquidity: str
    ) -> None:
        request = order.request
        order.filled += qty
        order.notional += price * qty
        if order.held > 0:
            self._release_held(order, qty)
        self._records.fills.append(
            moment,
            order.next_fill_id(),
            request.order_id,
            request.account_id,
            request.pair,
            request.side,
            price,
            qty,
            fee,
            self._markets[request.pair].quote,
            liquidity,
        )

    def _release_held(self, order: Order, qty: float) -> None:
        """A fill of `qty` frees what the order held for it."""
        release = min(order.held, qty * self._hold_per_unit(order))
        order.held -= release
        self._ledger.release(order.request.account_id, self.spend_asset(order), release)

    def _exchange(
        self, moment: int, pair: str, buyer: str, seller: str, qty: float, price: float
    ) -> None:
        market = self._markets[pair]
        self._ledger.move(moment, seller, buyer, market.base, qty)
        self._ledger.move(moment, buyer, seller, market.quote, qty * price)

    def _pay_fee(self, moment: int, order: Order, fee: float) -> None:
        quote = self._markets[order.request.pair].quote
        self._ledger.move(moment, order.request.account_id, self._config.fee_account, quote, fee)

    def _hold_per_unit(self, order: Order) -> float:
        return self.funds_needed_for_limit(order.side, 1.0, order.price)
