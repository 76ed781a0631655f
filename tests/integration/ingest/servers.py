"""Local stand-ins for Binance spot and CoinGecko that speak their real wire formats.

Both run in a `ThreadingHTTPServer` on 127.0.0.1 in a daemon thread. Candles and prices are pure
functions of time, so tests can compute exactly what a correct fetch must return. A fault plan
makes chosen requests fail the way real APIs fail.
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

MINUTE_MS = 60_000
INTERVAL_MS = {"1m": MINUTE_MS, "5m": 5 * MINUTE_MS, "1h": 60 * MINUTE_MS, "1d": 1440 * MINUTE_MS}

# Binance id -> (base, quote, base price, tick)
BINANCE_SYMBOLS = {
    "BTCUSDT": ("BTC", "USDT", 30_000.0, 0.5),
    "ETHUSDT": ("ETH", "USDT", 2_000.0, 0.05),
    "ETHBTC": ("ETH", "BTC", 0.07, 0.00001),
}

FAULTS = ("429", "503", "hang", "truncated", "shuffled")


def kline(symbol: str, open_ms: int, interval_ms: int) -> list[Any]:
    """The 12-field Binance kline for the candle opening at `open_ms` (a pure function)."""
    _, _, base, tick = BINANCE_SYMBOLS[symbol]
    n = open_ms // interval_ms
    o = base + (n % 97) * tick
    c = base + ((n + 1) % 97) * tick
    h, low = max(o, c) + tick, min(o, c) - tick
    volume = 1.0 + (n % 13) * 0.25
    return [
        open_ms, f"{o:.8f}", f"{h:.8f}", f"{low:.8f}", f"{c:.8f}", f"{volume:.8f}",
        open_ms + interval_ms - 1, f"{volume * c:.8f}", 10 + n % 7, f"{volume / 2:.8f}",
        f"{volume * c / 2:.8f}", "0",
    ]  # fmt: skip


def expected_ohlcv(symbol: str, start_ms: int, end_ms: int, interval_ms: int) -> list[list[float]]:
    """[ts_ms, open, high, low, close, volume] for every candle opening in [start_ms, end_ms)."""
    first = -(-start_ms // interval_ms) * interval_ms
    return [
        [float(t), *(float(v) for v in kline(symbol, t, interval_ms)[1:6])]
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


class _Handler(BaseHTTPRequestHandler):
    server: "LocalServer"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        self.server.record(url.path, query, dict(self.headers.items()))
        status, body = self.server.route(url.path, query)
        if status == -1:  # hang: answer after the client has given up
            time.sleep(self.server.hang_s)
            status, body = self.server.route(url.path, query, faults=False)
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

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: Counter[str] = Counter()
        self.log: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.faults = FaultPlan()
        self.hang_s = 1.0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, path: str, query: dict[str, str], headers: dict[str, str]) -> None:
        with self._lock:
            self.requests[path] += 1
            self.log.append((path, query, headers))

    def route(self, path: str, query: dict[str, str], faults: bool = True) -> tuple[int, str]:
        if faults and path.startswith(self.fault_path):
            with self._lock:
                self.faults.served += 1
                n = self.faults.served
            kind = self.faults.next(n)
            if kind == "hang":
                return -1, ""
            if kind in ("429", "503", "truncated"):
                return self.fault_response(kind, path, query)
            if kind == "shuffled":
                status, body = self.answer(path, query)
                return status, json.dumps(list(reversed(json.loads(body))))
        return self.answer(path, query)

    def fault_response(self, kind: str, path: str, query: dict[str, str]) -> tuple[int, str]:
        if kind == "truncated":
            status, body = self.answer(path, query)
            return status, body[: max(1, len(body) // 2)]
        if kind == "503":
            return 503, "<html><body>503 Service Unavailable</body></html>"
        return 429, json.dumps({"code": -1003, "msg": "Too many requests; injected."})

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str]:
        raise NotImplementedError


class BinanceServer(LocalServer):
    fault_path = "/api/v3/klines"

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str]:
        if path == "/api/v3/time":
            return 200, json.dumps({"serverTime": int(time.time() * 1000)})
        if path == "/api/v3/exchangeInfo":
            return 200, json.dumps(exchange_info())
        if path == "/api/v3/klines":
            return self.klines(query)
        return 404, json.dumps({"code": -1, "msg": f"no route {path}"})

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


# CoinGecko coin id -> base price in USD
COINGECKO_COINS = {"bitcoin": 30_000.0, "ethereum": 2_000.0, "tether": 1.0, "usd-coin": 1.0}
DAY_S = 86_400


def coingecko_step_s(from_s: int, to_s: int) -> int:
    """CoinGecko's automatic granularity: 5-minutely within a day, hourly to 90 days, else daily."""
    span = to_s - from_s
    return 300 if span <= DAY_S else 3600 if span <= 90 * DAY_S else DAY_S


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
            and parts[4:]
            == [
                "market_chart",
                "range",
            ]
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
            body = {
                "status": {"error_code": 429, "error_message": "You've exceeded the Rate Limit"}
            }
            return 429, json.dumps(body)
        if kind == "503":
            return 503, "<html>Service Unavailable</html>"
        return super().fault_response(kind, path, query)


@contextmanager
def serving(server: LocalServer) -> Iterator[LocalServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
