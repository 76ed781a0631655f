"""Local stand-ins for Binance spot, Bybit v5 spot and CoinGecko that speak their real wire formats.

Each runs in a `ThreadingHTTPServer` on 127.0.0.1 in a daemon thread. Candles and prices are pure
functions of time, so tests can compute exactly what a correct fetch must return. A fault plan
makes chosen requests fail the way real APIs fail.
"""

import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

MINUTE_MS = 60_000
INTERVAL_MS = {"1m": MINUTE_MS, "5m": 5 * MINUTE_MS, "1h": 60 * MINUTE_MS, "1d": 1440 * MINUTE_MS}

# a listing: (base, quote, base price, tick)
Listing = tuple[str, str, float, float]
# venue id, open time ms, interval ms -> one candle as the venue's wire format writes it
KlineRow = Callable[[str, int, int], list[Any]]

# Binance id -> listing
BINANCE_SYMBOLS: dict[str, Listing] = {
    "BTCUSDT": ("BTC", "USDT", 30_000.0, 0.5),
    "ETHUSDT": ("ETH", "USDT", 2_000.0, 0.05),
    "ETHBTC": ("ETH", "BTC", 0.07, 0.00001),
}

FAULTS = ("429", "503", "hang", "truncated", "shuffled")


def synthetic_candle(listing: Listing, open_ms: int, interval_ms: int) -> list[float]:
    """[open, high, low, close, volume] of the candle opening at `open_ms` (a pure function)."""
    _, _, base, tick = listing
    n = open_ms // interval_ms
    o = base + (n % 97) * tick
    c = base + ((n + 1) % 97) * tick
    return [o, max(o, c) + tick, min(o, c) - tick, c, 1.0 + (n % 13) * 0.25]


def kline(symbol: str, open_ms: int, interval_ms: int) -> list[Any]:
    """The 12-field Binance kline for the candle opening at `open_ms`."""
    o, h, low, c, volume = synthetic_candle(BINANCE_SYMBOLS[symbol], open_ms, interval_ms)
    n = open_ms // interval_ms
    return [
        open_ms, f"{o:.8f}", f"{h:.8f}", f"{low:.8f}", f"{c:.8f}", f"{volume:.8f}",
        open_ms + interval_ms - 1, f"{volume * c:.8f}", 10 + n % 7, f"{volume / 2:.8f}",
        f"{volume * c / 2:.8f}", "0",
    ]  # fmt: skip


def expected_ohlcv(
    symbol: str, start_ms: int, end_ms: int, interval_ms: int, row: KlineRow = kline
) -> list[list[float]]:
    """[ts_ms, open, high, low, close, volume] for every candle opening in [start_ms, end_ms),
    read back from the venue's wire row (`row`) the way a client parses it."""
    first = -(-start_ms // interval_ms) * interval_ms
    return [
        [float(t), *(float(v) for v in row(symbol, t, interval_ms)[1:6])]
        for t in range(first, end_ms, interval_ms)
    ]


class FaultPlan:
    """Which requests fail: `queue` applies to the next requests in order; `at` to request n;
    `spread(kinds, count, every)` fails every `every`-th request, cycling kinds, `count` times."""

    def __init__(self) -> None:
        self.queue: list[str] = []
        self.at: dict[int, str] = {}
        self.lock = threading.Lock()
        self.served = 0
        self.injected: Counter[str] = Counter()
        self.cycle: list[str] = []
        self.every = 0
        self.count = 0

    def spread(self, kinds: list[str], count: int, every: int) -> None:
        self.cycle, self.count, self.every = kinds, count, every

    def next(self, n: int) -> str | None:
        with self.lock:
            kind = self.queue.pop(0) if self.queue else self.at.pop(n, None)
            spread = sum(self.injected[k] for k in self.cycle)
            if kind is None and self.every and spread < self.count and n % self.every == 0:
                kind = self.cycle[spread % len(self.cycle)]
            if kind:
                self.injected[kind] += 1
            return kind


@dataclass
class Request:
    """One request as the server saw it; `status` is filled in once it is answered."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival, to measure the client's backoff
    fault: str | None = None
    status: int = 0


class _Handler(BaseHTTPRequestHandler):
    server: "LocalServer"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        request = Request(url.path, query, dict(self.headers.items()), time.monotonic())
        self.server.record(request)
        request.fault = self.server.next_fault(url.path)
        status, body = self.server.route(url.path, query, request.fault)
        if status == -1:  # hang: answer after the client has given up
            time.sleep(self.server.hang_s)
            status, body = self.server.route(url.path, query, None)
        mangle = self.server.mangle
        if mangle is not None and status == 200 and url.path.startswith(self.server.fault_path):
            body = mangle(body)
        request.status = status
        try:
            payload = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    fault_path = ""
    # rewrites every successful answer on `fault_path`: how the fuzz tests break a venue's JSON
    mangle: Callable[[str], str] | None = None

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: Counter[str] = Counter()
        self.log: list[Request] = []
        self.faults = FaultPlan()
        self.hang_s = 1.0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests[request.path] += 1
            self.log.append(request)

    def calls(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    def next_fault(self, path: str) -> str | None:
        """The fault planned for this request, counting only requests to `fault_path`."""
        if not path.startswith(self.fault_path):
            return None
        with self._lock:
            self.faults.served += 1
            n = self.faults.served
        return self.faults.next(n)

    def route(self, path: str, query: dict[str, str], fault: str | None) -> tuple[int, str]:
        if fault == "hang":
            return -1, ""
        if fault in ("429", "503", "truncated"):
            return self.fault_response(fault, path, query)
        if fault == "shuffled":
            status, body = self.answer(path, query)
            return status, self.reorder(body)
        return self.answer(path, query)

    def reorder(self, body: str) -> str:
        """The same answer with its rows in the opposite order."""
        return json.dumps(list(reversed(json.loads(body))))

    def fault_response(self, kind: str, path: str, query: dict[str, str]) -> tuple[int, str]:
        if kind == "truncated":
            status, body = self.answer(path, query)
            return status, body[: max(1, len(body) // 2)]
        if kind == "503":
            return 503, "<html><body>503 Service Unavailable</body></html>"
        # compact, as Binance writes it
        return 429, json.dumps(
            {"code": -1003, "msg": BINANCE_RATE_LIMIT_MSG}, separators=(",", ":")
        )

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str]:
        raise NotImplementedError


# the signed endpoints' key and secret, as a test gives them to ccxt
BINANCE_TEST_API_KEY = "riskproof-test-key"
BINANCE_TEST_SECRET = "riskproof-test-secret"

# what Binance spot answers, with HTTP 429, once the IP's request weight is spent
BINANCE_RATE_LIMIT_MSG = (
    "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. "
    "Please use WebSocket Streams for live updates to avoid polling the API."
)


class BinanceServer(LocalServer):
    fault_path = "/api/v3/klines"

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str]:
        if path == "/api/v3/time":
            return 200, json.dumps({"serverTime": int(time.time() * 1000)})
        if path == "/api/v3/exchangeInfo":
            return 200, json.dumps(exchange_info())
        if path == "/api/v3/klines":
            return self.klines(query)
        if path == "/api/v3/ticker/24hr":
            return self.tickers(query)
        if path == "/api/v3/account":
            return self.account(query)
        return 404, json.dumps({"code": -1, "msg": f"no route {path}"})

    # the signed endpoints' credentials and the spot wallet /api/v3/account reports
    api_secret = BINANCE_TEST_SECRET
    wallet: dict[str, tuple[str, str]] = {  # noqa: RUF012 - replaced, never mutated, by tests
        "BTC": ("1.50000000", "0.00000000"),
        "ETH": ("10.00000000", "0.00000000"),
        "USDT": ("50000.00000000", "0.00000000"),
        "BNB": ("0.00000000", "0.00000000"),
    }

    def tickers(self, query: dict[str, str]) -> tuple[int, str]:
        """GET /api/v3/ticker/24hr: one object for `symbol`, a list for `symbols` (a JSON
        array) or for every listing; lastPrice is the current 1m candle's close."""
        single = "symbol" in query
        names = [query["symbol"]] if single else json.loads(query.get("symbols", "null"))
        names = list(BINANCE_SYMBOLS) if names is None else names
        if any(name not in BINANCE_SYMBOLS for name in names):
            return 400, json.dumps({"code": -1121, "msg": "Invalid symbol."})
        rows = [ticker_24hr(name, int(time.time() * 1000)) for name in names]
        return 200, json.dumps(rows[0] if single else rows)

    def account(self, query: dict[str, str]) -> tuple[int, str]:
        """GET /api/v3/account, HMAC-SHA256 signed over the query string like Binance's."""
        unsigned = urlencode({k: v for k, v in query.items() if k != "signature"})
        expected = hmac.new(self.api_secret.encode(), unsigned.encode(), hashlib.sha256)
        if not hmac.compare_digest(expected.hexdigest(), query.get("signature", "")):
            return 400, json.dumps(
                {"code": -1022, "msg": "Signature for this request is not valid."}
            )
        now = int(time.time() * 1000)
        balances = [
            {"asset": asset, "free": free, "locked": locked}
            for asset, (free, locked) in self.wallet.items()
        ]
        return 200, json.dumps(
            {
                "makerCommission": 10, "takerCommission": 10, "canTrade": True,
                "canWithdraw": True, "canDeposit": True, "updateTime": now - 3_600_000,
                "accountType": "SPOT", "balances": balances, "permissions": ["SPOT"],
                "uid": 354937868,
            }
        )  # fmt: skip

    def klines(self, query: dict[str, str]) -> tuple[int, str]:
        symbol, interval = query.get("symbol", ""), query.get("interval", "")
        if symbol not in BINANCE_SYMBOLS:
            return 400, json.dumps({"code": -1121, "msg": "Invalid symbol."})
        if interval not in INTERVAL_MS:
            return 400, json.dumps({"code": -1120, "msg": "Invalid interval."})
        step = INTERVAL_MS[interval]
        limit = min(int(query.get("limit", 500)), 1000)
        start = int(query["startTime"]) if "startTime" in query else 0
        end = int(query.get("endTime", start + limit * step))
        first = -(-start // step) * step
        rows = [kline(symbol, t, step) for t in range(first, end + 1, step)][:limit]
        return 200, json.dumps(rows)


def ticker_24hr(symbol: str, now_ms: int) -> dict[str, Any]:
    """Binance's 24hr ticker wire object for `symbol` at `now_ms` (closeTime: the answer's time)."""
    listing = BINANCE_SYMBOLS[symbol]
    o, h, low, c, volume = synthetic_candle(listing, now_ms // MINUTE_MS * MINUTE_MS, MINUTE_MS)
    tick = listing[3]
    return {
        "symbol": symbol, "priceChange": f"{c - o:.8f}",
        "priceChangePercent": f"{(c / o - 1) * 100:.3f}",
        "weightedAvgPrice": f"{(o + c) / 2:.8f}", "prevClosePrice": f"{o:.8f}",
        "lastPrice": f"{c:.8f}", "lastQty": "0.01000000", "bidPrice": f"{c - tick:.8f}",
        "bidQty": "1.00000000", "askPrice": f"{c + tick:.8f}", "askQty": "1.00000000",
        "openPrice": f"{o:.8f}", "highPrice": f"{h:.8f}", "lowPrice": f"{low:.8f}",
        "volume": f"{volume:.8f}", "quoteVolume": f"{volume * c:.8f}",
        "openTime": now_ms - 86_400_000, "closeTime": now_ms, "firstId": 1, "lastId": 100,
        "count": 100,
    }  # fmt: skip


def exchange_info() -> dict[str, Any]:
    symbols = []
    for symbol, (base, quote, _, tick) in BINANCE_SYMBOLS.items():
        symbols.append(
            {
                "symbol": symbol, "status": "TRADING", "baseAsset": base,
                "baseAssetPrecision": 8, "quoteAsset": quote, "quotePrecision": 8,
                "quoteAssetPrecision": 8, "baseCommissionPrecision": 8,
                "quoteCommissionPrecision": 8,
                "orderTypes": ["LIMIT", "MARKET"], "icebergAllowed": True, "ocoAllowed": True,
                "isSpotTradingAllowed": True, "isMarginTradingAllowed": False,
                "filters": [
                    {"filterType": "PRICE_FILTER", "minPrice": f"{tick:.8f}",
                     "maxPrice": "1000000.00000000", "tickSize": f"{tick:.8f}"},
                    {"filterType": "LOT_SIZE", "minQty": "0.00001000",
                     "maxQty": "9000.00000000", "stepSize": "0.00001000"},
                ],
                "permissions": [], "permissionSets": [["SPOT"]],
            }
        )  # fmt: skip
    return {"timezone": "UTC", "serverTime": int(time.time() * 1000), "symbols": symbols}


# Bybit spot id -> listing; prices differ from Binance's so a venue mix-up cannot pass a test
BYBIT_SYMBOLS: dict[str, Listing] = {
    "BTCUSDT": ("BTC", "USDT", 30_010.0, 0.01),
    "ETHUSDC": ("ETH", "USDC", 2_001.0, 0.01),
    "SOLUSDT": ("SOL", "USDT", 50.0, 0.001),
}
# Bybit v5 interval names (minutes, or D) -> ms
BYBIT_INTERVAL_MS = {
    "1": MINUTE_MS,
    "5": 5 * MINUTE_MS,
    "60": 60 * MINUTE_MS,
    "D": 1440 * MINUTE_MS,
}
BYBIT_MAX_LIMIT = 1000  # /v5/market/kline: limit in [1, 1000], default 200


def _bybit_decimal(value: float) -> str:
    return f"{value:.8f}".rstrip("0").rstrip(".")  # Bybit writes "17071.5", not "17071.50000000"


def bybit_kline(symbol: str, open_ms: int, interval_ms: int) -> list[Any]:
    """The 7-field Bybit v5 kline: startTime, open, high, low, close, volume, turnover (strings)."""
    o, h, low, c, volume = synthetic_candle(BYBIT_SYMBOLS[symbol], open_ms, interval_ms)
    return [str(open_ms), *(_bybit_decimal(v) for v in (o, h, low, c, volume, volume * c))]


def _bybit(result: dict[str, Any], code: int = 0, msg: str = "OK") -> tuple[int, str]:
    """Bybit's v5 envelope: errors too come back as HTTP 200 with a non-zero retCode."""
    body = {
        "retCode": code, "retMsg": msg, "result": result, "retExtInfo": {},
        "time": int(time.time() * 1000),
    }  # fmt: skip
    return 200, json.dumps(body)


class BybitServer(LocalServer):
    """Bybit v5 spot, serving just what ccxt's bybit asks for once make_exchange limits it to
    spot markets: GET /v5/market/instruments-info?category=spot (load_markets) and
    GET /v5/market/kline (fetch_ohlcv).

    Kline windows behave like Bybit's: with `start` the page holds the first `limit` candles from
    the one containing `start` up to `end` (inclusive); without `start`, the last `limit` up to
    `end`; rows come newest first.
    """

    fault_path = "/v5/market/kline"

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str]:
        if query.get("category") != "spot":  # the only category make_exchange lets ccxt load
            return _bybit({}, 10001, "params error: category only spot here")
        if path == "/v5/market/instruments-info":
            return _bybit({"category": "spot", "list": bybit_instruments()})
        if path == "/v5/market/kline":
            return self.klines(query)
        return 404, json.dumps({"retCode": 404, "retMsg": f"no route {path}"})

    def klines(self, query: dict[str, str]) -> tuple[int, str]:
        symbol = query.get("symbol", "")
        if symbol not in BYBIT_SYMBOLS:
            return _bybit({}, 10001, "Not supported symbols")
        step = BYBIT_INTERVAL_MS.get(query.get("interval", ""))
        if step is None:
            return _bybit({}, 10001, "Invalid period!")
        limit = max(1, min(int(query.get("limit", 200)), BYBIT_MAX_LIMIT))
        end = int(query.get("end", time.time() * 1000))
        if "start" in query:
            first = int(query["start"]) // step * step
            opens = range(first, min(end, first + (limit - 1) * step) + 1, step)
        else:
            last = end // step * step
            opens = range(max(0, last - (limit - 1) * step), last + 1, step)
        rows = [bybit_kline(symbol, t, step) for t in reversed(opens)]
        return _bybit({"category": "spot", "symbol": symbol, "list": rows})

    def reorder(self, body: str) -> str:
        answer = json.loads(body)
        answer["result"]["list"].reverse()
        return json.dumps(answer)

    def fault_response(self, kind: str, path: str, query: dict[str, str]) -> tuple[int, str]:
        if kind == "429":  # Bybit's IP limit answers 403, not 429
            return 403, "access too frequent"
        return super().fault_response(kind, path, query)


def bybit_instruments() -> list[dict[str, Any]]:
    return [
        {
            "symbol": symbol, "baseCoin": base, "quoteCoin": quote, "innovation": "0",
            "status": "Trading", "marginTrading": "both", "stTag": "0",
            "lotSizeFilter": {
                "basePrecision": "0.000001", "quotePrecision": "0.00000001",
                "minOrderQty": "0.000048", "maxOrderQty": "71.73956243",
                "minOrderAmt": "1", "maxOrderAmt": "2000000",
            },
            "priceFilter": {"tickSize": _bybit_decimal(tick)},
            "riskParameters": {"priceLimitRatioX": "0.01", "priceLimitRatioY": "0.02"},
        }
        for symbol, (base, quote, _, tick) in BYBIT_SYMBOLS.items()
    ]  # fmt: skip


# CoinGecko coin id -> base price in USD
COINGECKO_COINS = {"bitcoin": 30_000.0, "ethereum": 2_000.0, "tether": 1.0, "usd-coin": 1.0}
DAY_S = 86_400
# what CoinGecko answers, with HTTP 429, once the plan's rate limit is spent
COINGECKO_RATE_LIMIT_MSG = (
    "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing "
    "to subscribe to our API plans for higher rate limits."
)


def coingecko_step_s(from_s: int, to_s: int, now_s: float | None = None) -> int:
    """CoinGecko's automatic granularity for /market_chart/range: 5-minutely only for a range
    within the last day; hourly for any other range up to 90 days; daily beyond."""
    now_s = time.time() if now_s is None else now_s
    span = to_s - from_s
    if span <= DAY_S and from_s >= now_s - DAY_S:
        return 300
    return 3600 if span <= 90 * DAY_S else DAY_S


def coingecko_point(coin: str, t_ms: int) -> tuple[float, float]:
    """(price, 24h volume) at t_ms, a pure function of time."""
    n = t_ms // 300_000
    price = COINGECKO_COINS[coin] * (1 + (n % 31) / 1000)
    return price, 1e6 + (n % 17) * 1000.0


# real CoinGecko points sit a little after the grid; so do ours
COINGECKO_OFFSET_MS = 1_234


def coingecko_points(coin: str, from_s: int, to_s: int) -> list[int]:
    step = coingecko_step_s(from_s, to_s)
    first = -(-from_s // step) * step
    return [t * 1000 + COINGECKO_OFFSET_MS for t in range(first, to_s, step)]


class CoinGeckoServer(LocalServer):
    fault_path = "/api/v3/coins/"

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str]:
        parts = path.strip("/").split("/")
        if (
            len(parts) == 6
            and parts[:3] == ["api", "v3", "coins"]
            and parts[4:] == ["market_chart", "range"]
        ):
            coin = parts[3]
            if coin not in COINGECKO_COINS:
                return 404, json.dumps({"error": "coin not found"})
            points = coingecko_points(coin, int(query["from"]), int(query["to"]))
            values = [(t, *coingecko_point(coin, t)) for t in points]
            return 200, json.dumps(
                {
                    "prices": [[t, p] for t, p, _ in values],
                    "market_caps": [[t, p * 19e6] for t, p, _ in values],
                    "total_volumes": [[t, v] for t, _, v in values],
                }
            )
        return 404, json.dumps({"error": f"no route {path}"})

    def fault_response(self, kind: str, path: str, query: dict[str, str]) -> tuple[int, str]:
        if kind == "429":
            body = {"status": {"error_code": 429, "error_message": COINGECKO_RATE_LIMIT_MSG}}
            return 429, json.dumps(body)
        if kind == "503":
            return 503, "<html>Service Unavailable</html>"
        return super().fault_response(kind, path, query)


@contextmanager
def serving(server: LocalServer) -> Iterator[LocalServer]:
    # a short poll interval: shutdown() waits for the next poll, once per test
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
