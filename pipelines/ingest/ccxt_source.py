"""Candles from any ccxt exchange, through ccxt's own pagination, with backoff and resume.

ccxt paginates `fetch_ohlcv(..., params={'paginate': True, 'until': ms})` itself. Its own page
retries are switched off (`maxRetries: 0`): they come at once, with no backoff, and Binance's
HTTP 429 surfaces as DDoSProtection, which ccxt retries at once like any other error; Binance
answers requests sent on after a 429 with an IP ban (418). ccxt also turns an unparseable (e.g.
truncated) JSON page into an empty page without complaint. So this module walks the range in
windows: a failed window is retried whole with exponential backoff, windows already received are
kept, and a hole in a window's answer is asked again until two answers agree it is really empty.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlparse

import ccxt
import polars as pl

from pipelines.ingest.candles import timeframe_seconds, utc
from pipelines.ingest.retry import FetchError, RetryPolicy
from simulators.schemas import CANDLES

# Errors worth another try: network trouble, timeouts, 429/418, 5xx, rate limits, odd answers.
RETRYABLE = (ccxt.NetworkError, ccxt.BadResponse, ccxt.NullResponse)


def point_at(urls: Any, api_url: str) -> Any:
    """Every URL in ccxt's `urls['api']` tree, re-rooted on `api_url` (paths kept)."""
    if isinstance(urls, dict):
        return {key: point_at(value, api_url) for key, value in urls.items()}
    if isinstance(urls, str) and urls.startswith("http"):
        return api_url.rstrip("/") + urlparse(urls).path
    return urls


def make_exchange(exchange_id: str, api_url: str | None, policy: RetryPolicy) -> Any:
    """A ccxt exchange with rate limiting on, spot markets only, optionally on a local API."""
    if exchange_id not in ccxt.exchanges:
        raise ValueError(f"unknown ccxt exchange {exchange_id!r}")
    exchange = getattr(ccxt, exchange_id)(
        {
            "enableRateLimit": True,
            "timeout": int(policy.timeout_s * 1000),
            # to tell an empty answer from one ccxt could not parse (see CcxtSource._page_walk)
            "enableLastJsonResponse": True,
        }
    )
    fetch_markets = exchange.options.get("fetchMarkets")
    if isinstance(fetch_markets, dict) and "types" in fetch_markets:
        exchange.options["fetchMarkets"] = {**fetch_markets, "types": ["spot"]}
    if api_url is not None:
        exchange.urls["api"] = point_at(exchange.urls["api"], api_url)
    return exchange


def _ms(moment: datetime) -> int:
    return int(utc(moment).timestamp() * 1000)


def _fmt(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


def _with_backoff(call: Callable[[], Any], policy: RetryPolicy, what: str) -> Any:
    """`call()` until it succeeds or the budget is spent; then FetchError naming `what`."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return call()
        except RETRYABLE as exc:
            if attempt == policy.attempts:
                # the venue's own words: Binance's 429 arrives as DDoSProtection, its -1003 says why
                detail = " ".join(str(exc).split())[:200]
                raise FetchError(
                    f"{what}: gave up after {attempt} attempts ({type(exc).__name__}: {detail})"
                ) from exc
            time.sleep(min(policy.max_backoff_s, policy.backoff_s * 2 ** (attempt - 1)))
    raise AssertionError("unreachable")


class CcxtSource:
    """One ccxt exchange, markets loaded once, fetching CANDLES frames for any of its symbols."""

    def __init__(
        self,
        exchange_id: str,
        api_url: str | None = None,
        policy: RetryPolicy | None = None,
        window_candles: int = 5000,
    ) -> None:
        self.exchange_id = exchange_id
        self.source = f"ccxt:{exchange_id}"
        self.policy = policy or RetryPolicy()
        self.window_candles = window_candles
        self.exchange = make_exchange(exchange_id, api_url, self.policy)
        self._markets_loaded = False

    def _load_markets(self) -> None:
        if not self._markets_loaded:
            _with_backoff(self.exchange.load_markets, self.policy, f"{self.source} load_markets")
            self._markets_loaded = True

    def fetch(self, symbol: str, timeframe: str, start: datetime, end: datetime) -> pl.DataFrame:
        """CANDLES rows with open time in [start, end), sorted, one per candle the venue has."""
        self._load_markets()
        market = self.exchange.market(symbol)  # ccxt maps "BTC/USDT" to the venue's id
        step = timeframe_seconds(timeframe) * 1000
        start_ms, end_ms = _ms(start), _ms(end)
        what = f"{self.source} {market['symbol']} {timeframe} [{_fmt(start_ms)}, {_fmt(end_ms)})"
        rows: dict[int, list[float]] = {}
        cursor = -(-start_ms // step) * step
        while cursor < end_ms:  # windows received are kept; a failed one is retried whole
            window_end = min(end_ms, cursor + self.window_candles * step)
            rows.update(self._window(market["symbol"], timeframe, cursor, window_end, what))
            cursor = window_end
        return self._frame(market["symbol"], timeframe, [rows[t] for t in sorted(rows)])

    def _page_walk(self, symbol: str, timeframe: str, since: int, until: int) -> list[list[Any]]:
        params = {
            "paginate": True,
            "until": until - 1,
            "paginationCalls": self.window_candles,
            "maxRetries": 0,  # every retry goes through _with_backoff (see the module docstring)
        }
        self.exchange.last_json_response = None
        result: list[list[Any]] = self.exchange.fetch_ohlcv(symbol, timeframe, since, None, params)
        if not result and not isinstance(self.exchange.last_json_response, list | dict):
            # ccxt reads a cut-short or non-JSON body as "no candles"; two such answers would
            # agree the range is empty and cache it so for good: make it a failed request instead
            raise ccxt.BadResponse("an answer with no candles that is not a JSON document")
        return result

    def _window(
        self, symbol: str, timeframe: str, since: int, until: int, what: str
    ) -> dict[int, list[float]]:
        """Candles of [since, until); holes are asked again until two answers agree on them."""
        step = timeframe_seconds(timeframe) * 1000
        got: dict[int, list[float]] = {}
        holes = [(since, until)]
        empty_answers: dict[tuple[int, int], int] = {}
        budget = self.policy.attempts + 2  # grows by two for every new hole seen
        while holes and budget > 0:
            budget -= 1
            lo, hi = holes[0]
            walk = _with_backoff(
                partial(self._page_walk, symbol, timeframe, lo, hi),
                self.policy,
                f"{what}: window [{_fmt(lo)}, {_fmt(hi)})",
            )
            fresh = {int(r[0]): _row(r, what) for r in walk if lo <= int(r[0]) < hi}
            if fresh:
                got.update(fresh)
            else:
                empty_answers[(lo, hi)] = empty_answers.get((lo, hi), 0) + 1
            new_holes = _holes(got, since, until, step)
            budget += 2 * len(set(new_holes) - set(holes))
            holes = [h for h in new_holes if empty_answers.get(h, 0) < 2]
        if holes:
            raise FetchError(f"{what}: holes {holes[:3]} still unconfirmed after retries")
        return got

    def _frame(self, symbol: str, timeframe: str, rows: list[list[float]]) -> pl.DataFrame:
        columns: list[tuple[float, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 6
        return pl.DataFrame(
            {
                "ts": pl.Series([int(t) * 1000 for t in columns[0]], dtype=pl.Int64).cast(
                    CANDLES["ts"]
                ),
                "source": pl.Series([self.source] * len(rows), dtype=pl.String),
                "pair": pl.Series([symbol] * len(rows), dtype=pl.String),
                "timeframe": pl.Series([timeframe] * len(rows), dtype=pl.String),
                **{
                    name: pl.Series(columns[i], dtype=pl.Float64)
                    for i, name in enumerate(("open", "high", "low", "close", "volume"), start=1)
                },
            },
            schema=CANDLES,
        )


def _row(raw: list[Any], what: str) -> list[float]:
    if len(raw) < 6 or any(v is None for v in raw[:6]):
        raise FetchError(f"{what}: malformed candle {raw!r}")
    return [float(v) for v in raw[:6]]


def _holes(got: dict[int, list[float]], since: int, until: int, step: int) -> list[tuple[int, int]]:
    """Maximal runs of grid slots in [since, until) with no candle."""
    holes: list[tuple[int, int]] = []
    start: int | None = None
    for t in range(since, until, step):
        if t in got:
            if start is not None:
                holes.append((start, t))
                start = None
        elif start is None:
            start = t
    if start is not None:
        holes.append((start, until))
    return holes


def fetch_ccxt(
    exchange_id: str,
    symbol: str,
    timeframe: str,
    start: datetime,
    end: datetime,
    api_url: str | None = None,
    *,
    policy: RetryPolicy | None = None,
) -> pl.DataFrame:
    """CANDLES rows of `symbol` on `exchange_id` with open time in [start, end)."""
    return CcxtSource(exchange_id, api_url, policy).fetch(symbol, timeframe, start, end)
