"""Small markets, orders and balances for the exchange tests.

The BTC figures are the medians of the real Binance BTC/USDT 1m candles of 1-19 May 2021
(data/bundled): a candle range of 15.05 bps of the close, 45.25 BTC per minute, close 55,862.795.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from simulators.exchange import (
    Backdoors,
    Exchange,
    ExchangeConfig,
    ExchangeRun,
    MarketPath,
    build_markets,
    simulate_exchange,
)
from simulators.exchange.orders import OrderRequest
from simulators.schemas import CANDLES, ORDER_REQUESTS, REFERENCE_PRICES
from simulators.time_grid import to_us
from simulators.venues.chaos import ChaosWindow

START = datetime(2021, 5, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
BTC_PRICE = 55_862.795
BTC_RANGE = 15.054556915736539e-4
BTC_VOLUME = 45.252513
PAIR = "BTC/USD"
RICH = {"USD": 1e10, "BTC": 10_000.0}


def reference(prices: Sequence[float] | np.ndarray, pair: str = PAIR) -> pl.DataFrame:
    """REFERENCE_PRICES at 1 s from START, one row per price."""
    values = np.asarray(prices, dtype=np.float64)
    return pl.DataFrame(
        {
            "ts": [START + i * SECOND for i in range(values.size)],
            "pair": pair,
            "price": values,
            "price_clean": values,
        },
        schema=REFERENCE_PRICES,
    )


def flat(seconds: int = 600, price: float = BTC_PRICE, pair: str = PAIR) -> pl.DataFrame:
    return reference(np.full(seconds, price), pair)


def walk(seconds: int, seed: int, step: float = 2e-4, price: float = BTC_PRICE) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return reference(price * np.exp(np.cumsum(rng.normal(0.0, step, seconds))))


def candles(
    pair: str = "BTC/USDT",
    price: float = BTC_PRICE,
    candle_range: float = BTC_RANGE,
    volume: float = BTC_VOLUME,
    count: int = 60,
) -> pl.DataFrame:
    """Identical 1m candles closing by START, so the calibration is the same at every tick."""
    return pl.DataFrame(
        {
            "ts": [START - (count - i) * MINUTE for i in range(count)],
            "source": "test",
            "pair": pair,
            "timeframe": "1m",
            "open": price,
            "high": price * (1 + candle_range / 2),
            "low": price * (1 - candle_range / 2),
            "close": price,
            "volume": volume,
        },
        schema=CANDLES,
    )


def order(
    at: float,
    order_id: str,
    side: str = "buy",
    qty: float = 1.0,
    *,
    kind: str = "market",
    tif: str = "gtc",
    limit: float | None = None,
    account: str = "desk",
    pair: str = PAIR,
    action: str = "new",
) -> dict[str, Any]:
    """An ORDER_REQUESTS row sent `at` seconds after START."""
    return {
        "ts": START + timedelta(seconds=at),
        "order_id": order_id,
        "account_id": account,
        "pair": pair,
        "action": action,
        "side": side,
        "order_type": kind,
        "time_in_force": tif,
        "qty": qty,
        "limit_price": limit,
    }


def cancel(at: float, order_id: str, account: str = "desk") -> dict[str, Any]:
    return order(at, order_id, "", 0.0, kind="", tif="", account=account, action="cancel")


def balances(holdings: dict[str, dict[str, float]] | None = None) -> pl.DataFrame:
    holdings = {"desk": RICH} if holdings is None else holdings
    rows = [
        (a, asset, amount) for a, assets in holdings.items() for asset, amount in assets.items()
    ]
    return pl.DataFrame(
        rows,
        schema={"account_id": pl.String(), "asset": pl.String(), "balance": pl.Float64()},
        orient="row",
    )


def run(
    ref: pl.DataFrame,
    rows: Sequence[dict[str, Any]],
    holdings: dict[str, dict[str, float]] | None = None,
    chaos: Sequence[ChaosWindow] = (),
    *,
    seed: int = 7,
    config: ExchangeConfig | None = None,
    source: pl.DataFrame | None = None,
) -> ExchangeRun:
    return simulate_exchange(
        ref,
        candles() if source is None else source,
        pl.DataFrame(list(rows), schema=ORDER_REQUESTS),
        balances(holdings),
        list(chaos),
        seed,
        config,
    )


def markets(
    ref: pl.DataFrame, chaos: Sequence[ChaosWindow] = (), config: ExchangeConfig | None = None
) -> dict[str, MarketPath]:
    return build_markets(ref, candles(), Backdoors(chaos), config or ExchangeConfig())


def exchange(
    ref: pl.DataFrame,
    holdings: dict[str, dict[str, float]] | None = None,
    *,
    seed: int = 7,
    config: ExchangeConfig | None = None,
) -> Exchange:
    return Exchange(markets(ref, config=config), balances(holdings), seed=seed, config=config)


def send(venue: Exchange, row: dict[str, Any]) -> None:
    request = OrderRequest.from_row(row)
    venue.submit_request(request, request.ts_us)


def window(kind: str, start_s: float, end_s: float, **params: Any) -> ChaosWindow:
    return ChaosWindow(
        injection_id=f"{kind}_1",
        kind=kind,
        start=START + timedelta(seconds=start_s),
        end=START + timedelta(seconds=end_s),
        params=params,
    )


def at_us(seconds: float) -> int:
    return to_us(START + timedelta(seconds=seconds))


def slippage_bps(fills: pl.DataFrame, mid: float) -> float:
    """Average fill price against `mid`, in basis points (positive: paid more than mid)."""
    prices, qtys = fills["price"].to_numpy(), fills["qty"].to_numpy()
    return float((np.dot(prices, qtys) / qtys.sum() / mid - 1.0) * 1e4)
