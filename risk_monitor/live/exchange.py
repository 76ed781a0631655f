"""An exchange polled through ccxt: tickers → prod.market_ticks, the wallet → prod.account_balances,
every call → prod.api_status.

Times: a ticker's `ts` is the exchange's timestamp, capped at the receive time (`available_at`),
since a venue clock running ahead would otherwise break `available_at >= ts`. A balance's `ts` is
the receive time: Binance's `updateTime` is when the account last changed, not when the snapshot
was taken, so using it would make a quiet account look stale.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlparse

import ccxt

from risk_monitor.live.polling import Clock, Polled, frame, timed_call
from risk_monitor.prices import USD
from risk_monitor.schemas import ACCOUNT_BALANCES, API_STATUS, MARKET_TICKS


def point_at(urls: Any, api_url: str) -> Any:
    """Every URL in ccxt's `urls['api']` tree, re-rooted on `api_url` (paths kept)."""
    if isinstance(urls, dict):
        return {key: point_at(value, api_url) for key, value in urls.items()}
    if isinstance(urls, str) and urls.startswith("http"):
        return api_url.rstrip("/") + urlparse(urls).path
    return urls


def make_exchange(
    exchange_id: str,
    api_url: str | None,
    api_key: str | None,
    secret: str | None,
    timeout_s: float,
) -> Any:
    """A ccxt exchange, spot markets only, optionally on a local API, with credentials if given."""
    if exchange_id not in ccxt.exchanges:
        raise ValueError(f"unknown ccxt exchange {exchange_id!r}")
    config: dict[str, Any] = {"enableRateLimit": True, "timeout": int(timeout_s * 1000)}
    if api_key and secret:
        config |= {"apiKey": api_key, "secret": secret}
    exchange = getattr(ccxt, exchange_id)(config)
    fetch_markets = exchange.options.get("fetchMarkets")
    if isinstance(fetch_markets, dict) and "types" in fetch_markets:
        exchange.options["fetchMarkets"] = {**fetch_markets, "types": ["spot"]}
    # with keys, Binance also loads currencies and margin pairs from wallet endpoints the
    # monitor has no use for, each one more call that can fail
    exchange.options["fetchCurrencies"] = False
    exchange.options["fetchMargins"] = False
    if api_url is not None:
        exchange.urls["api"] = point_at(exchange.urls["api"], api_url)
    return exchange


def monitor_pair(symbol: str, usd_proxy: str | None) -> str:
    """The pair the monitor sees: X/<proxy> is republished as X/USD (the proxy taken at 1 USD)."""
    base, _, quote = symbol.partition("/")
    return f"{base}/{USD}" if usd_proxy is not None and quote == usd_proxy else symbol


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class CcxtExchange:
    """Polls `symbols` (ccxt unified spot symbols, "BTC/USDT") and, with credentials, the wallet.
    Tickers come one call per symbol, or one `fetch_tickers` call if `batch_tickers`.

    `usd_proxy` (e.g. "USDT"): an assumption, not a price: X/USDT is published as X/USD and
    USDT/USD as 1 at each poll, so USD valuation rules (drawdown, positions, delta,
    concentration) can run on a venue quoting no USD. It blinds stablecoin_depeg to the proxy.
    Balances of assets no published pair prices in USD are left out (`unpriced_assets`): one
    would make `evaluate` refuse the whole input.
    """

    def __init__(
        self,
        exchange_id: str,
        symbols: Sequence[str],
        *,
        api_url: str | None = None,
        api_key: str | None = None,
        secret: str | None = None,
        account_id: str | None = None,
        usd_proxy: str | None = None,
        timeout_s: float = 5.0,
        batch_tickers: bool = False,
    ) -> None:
        self.name = exchange_id
        self.symbols = list(symbols)
        self.account_id = account_id or exchange_id
        self.usd_proxy = usd_proxy
        self.batch_tickers = batch_tickers
        self.exchange = make_exchange(exchange_id, api_url, api_key, secret, timeout_s)
        self.polls_balances = bool(api_key and secret)
        self._redact = tuple(s for s in (api_key, secret) if s)
        pairs = [monitor_pair(symbol, usd_proxy) for symbol in self.symbols]
        self.priced_assets = {USD} | {p.split("/")[0] for p in pairs if p.endswith(f"/{USD}")}
        self.priced_assets |= {p.split("/")[1] for p in pairs if p.startswith(f"{USD}/")}
        if usd_proxy is not None:
            self.priced_assets.add(usd_proxy)
        self.unpriced_assets: set[str] = set()

    def poll(self, clock: Clock) -> Polled:
        statuses: list[dict[str, object]] = []
        ticks = self._poll_tickers(clock, statuses)
        balances = self._poll_balances(clock, statuses) if self.polls_balances else []
        return Polled(
            market_ticks=frame(ticks, MARKET_TICKS),
            account_balances=frame(balances, ACCOUNT_BALANCES),
            api_status=frame(statuses, API_STATUS),
        )

    def _poll_tickers(
        self, clock: Clock, statuses: list[dict[str, object]]
    ) -> list[dict[str, object]]:
        # per symbol by default: Binance weighs a ticker/24hr call with a symbols list like one
        # for every symbol (40 vs 1), and ccxt's rate limiter then holds it back ~0.8 s
        if self.batch_tickers and self.exchange.has.get("fetchTickers"):
            calls = [
                timed_call(
                    self.name,
                    "fetch_tickers",
                    lambda: self.exchange.fetch_tickers(self.symbols),
                    clock,
                    self._redact,
                )
            ]
        else:
            calls = [
                timed_call(
                    self.name,
                    "fetch_ticker",
                    partial(self._ticker, symbol),
                    clock,
                    self._redact,
                )
                for symbol in self.symbols
            ]
        rows: list[dict[str, object]] = []
        for call in calls:
            statuses.append(call.status)
            received = call.status["available_at"]
            assert isinstance(received, datetime)
            for symbol, ticker in (call.result or {}).items():
                price = ticker.get("last") or ticker.get("close")
                if symbol not in self.symbols or price is None or not price > 0:
                    continue
                stamp = ticker.get("timestamp")
                ts = min(_utc(stamp), received) if stamp is not None else received
                pair = monitor_pair(symbol, self.usd_proxy)
                row = {"ts": ts, "pair": pair, "price": float(price), "available_at": received}
                rows.append(row)
            if call.result and self.usd_proxy is not None:
                rows.append(
                    {"ts": received, "pair": f"{self.usd_proxy}/{USD}", "price": 1.0,
                     "available_at": received}
                )  # fmt: skip
        return rows

    def _ticker(self, symbol: str) -> dict[str, Any]:
        return {symbol: self.exchange.fetch_ticker(symbol)}

    def _poll_balances(
        self, clock: Clock, statuses: list[dict[str, object]]
    ) -> list[dict[str, object]]:
        call = timed_call(
            self.name, "fetch_balance", self.exchange.fetch_balance, clock, self._redact
        )
        statuses.append(call.status)
        if call.result is None:
            return []
        totals: dict[str, float | None] = call.result.get("total") or {}
        rows: list[dict[str, object]] = []
        for asset, total in sorted(totals.items()):
            if asset not in self.priced_assets:
                if total:
                    self.unpriced_assets.add(asset)
                continue
            rows.append(
                {"ts": call.status["available_at"], "account_id": self.account_id,
                 "venue": self.name, "asset": asset, "balance": float(total or 0.0),
                 "available_at": call.status["available_at"]}
            )  # fmt: skip
        return rows
