"""CoinGecko market_chart/range prices as candles, through pycoingecko's own client.

CoinGecko chooses the granularity from the requested range: 5-minutely only for a range within
the last day, hourly for any other range up to 90 days (a past single day is hourly), daily
beyond. Its points sit a little after the grid; each point goes to the candle whose open time is
its grid floor (open/high/low/close from the points inside it, so one point gives
open = high = low = close), and `volume` is CoinGecko's rolling 24 h volume at the last point.
API keys come from the environment only (COINGECKO_API_KEY for the pro API,
COINGECKO_DEMO_API_KEY for the demo one); pycoingecko sends them as query parameters, so any
error text that could carry the URL is scrubbed, in raw and URL-encoded form, before it is raised.
"""

import json
import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, quote_plus

import polars as pl
import requests
from pycoingecko import CoinGeckoAPI

from pipelines.ingest.candles import timeframe_seconds, utc
from pipelines.ingest.retry import FetchError, RetryPolicy
from simulators.schemas import CANDLES

SYMBOLS = {"bitcoin": "BTC", "ethereum": "ETH", "tether": "USDT", "usd-coin": "USDC"}
DAY_S = 86_400


def coingecko_timeframe(start: datetime, end: datetime, now: datetime | None = None) -> str:
    """The candle timeframe CoinGecko's automatic granularity gives for [start, end) at `now`."""
    start, end = utc(start), utc(end)
    now = datetime.now(UTC) if now is None else utc(now)
    span = (end - start).total_seconds()
    if span <= DAY_S and start >= now - timedelta(days=1):
        return "5m"
    return "1h" if span <= 90 * DAY_S else "1d"


def coingecko_pair(coin_id: str, vs: str) -> str:
    return f"{SYMBOLS.get(coin_id, coin_id).upper()}/{vs.upper()}"


def make_client(
    api_url: str | None, policy: RetryPolicy, env: Mapping[str, str] | None = None
) -> tuple[CoinGeckoAPI, list[str]]:
    """A pycoingecko client keyed from the environment, and the secrets to scrub from errors."""
    env = os.environ if env is None else env
    pro, demo = env.get("COINGECKO_API_KEY", ""), env.get("COINGECKO_DEMO_API_KEY", "")
    # retries=0: fetch_coingecko's loop owns the budget; the adapter's own retries would nest
    # inside it (attempts squared) and sleep outside the policy's backoff
    client = CoinGeckoAPI(api_key=pro, demo_api_key=demo, retries=0)
    client.request_timeout = policy.timeout_s
    # pycoingecko mounts its 502/503/504 adapter on https:// only; a local http:// API fails alike
    client.session.mount("http://", client.session.get_adapter("https://"))
    if api_url is not None:
        client.api_base_url = api_url.rstrip("/") + "/api/v3/"
    return client, [secret for secret in (pro, demo) if secret]


def _scrub(text: str, secrets: list[str]) -> str:
    # error texts quote the request URL, where requests percent-encodes the key: a key read with
    # a stray newline or a "+" would otherwise survive a raw-text replace
    forms = {form for secret in secrets for form in (secret, quote_plus(secret), quote(secret))}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, requests.HTTPError):
        status = exc.response.status_code if exc.response is not None else 0
        return status == 429 or status >= 500
    if isinstance(exc, requests.RequestException | json.JSONDecodeError):
        return True
    if isinstance(exc, ValueError) and exc.args and isinstance(exc.args[0], dict):
        # pycoingecko raises ValueError(body) when an error answer is JSON
        status = exc.args[0].get("status", {})
        code = status.get("error_code", 0) if isinstance(status, dict) else 0
        return isinstance(code, int) and (code == 429 or code >= 500)
    return False


# Point times CoinGecko could mean, in epoch milliseconds (1970..5138): anything else would
# overflow the Int64 microsecond column the candles are built in.
EPOCH_MS = range(0, 10**14)


def _parse(answer: Any, what: str) -> tuple[list[tuple[int, float]], dict[int, float]]:
    if not isinstance(answer, dict) or not isinstance(answer.get("prices"), list):
        raise ValueError(f"{what}: answer has no price list")
    prices = [(_epoch_ms(t, what), float(p)) for t, p in answer["prices"]]
    volumes = {_epoch_ms(t, what): float(v) for t, v in answer.get("total_volumes") or []}
    return prices, volumes


def _epoch_ms(value: Any, what: str) -> int:
    ms = int(value)
    if ms not in EPOCH_MS:
        raise ValueError(f"{what}: point time {value!r} is not epoch milliseconds")
    return ms


def fetch_coingecko(
    coin_id: str,
    vs: str,
    start: datetime,
    end: datetime,
    api_url: str | None = None,
    *,
    policy: RetryPolicy | None = None,
    timeframe: str | None = None,
    env: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """CANDLES rows (source "coingecko") for price points with time in [start, end).

    `timeframe` defaults to CoinGecko's granularity for the span; a coarser one aggregates.
    """
    policy = policy or RetryPolicy()
    start, end = utc(start), utc(end)
    timeframe = timeframe or coingecko_timeframe(start, end)
    pair = coingecko_pair(coin_id, vs)
    what = f"coingecko {coin_id}/{vs} ({pair}) [{start.isoformat()}, {end.isoformat()})"
    client, secrets = make_client(api_url, policy, env)
    from_s, to_s = int(start.timestamp()), int(end.timestamp())
    for attempt in range(1, policy.attempts + 1):
        try:
            answer = client.get_coin_market_chart_range_by_id(coin_id, vs, from_s, to_s)
            prices, volumes = _parse(answer, what)
            break
        except Exception as exc:  # pycoingecko raises requests, JSON and bare ValueErrors
            if not _retryable(exc) or attempt == policy.attempts:
                verdict = "gave up after" if _retryable(exc) else "failed at"
                detail = _scrub(f"{type(exc).__name__}: {exc}", secrets)[:300]
                raise FetchError(f"{what}: {verdict} attempt {attempt} ({detail})") from None
            time.sleep(min(policy.max_backoff_s, policy.backoff_s * 2 ** (attempt - 1)))
    return _candles(prices, volumes, start, end, pair, timeframe)


def _candles(
    prices: list[tuple[int, float]],
    volumes: dict[int, float],
    start: datetime,
    end: datetime,
    pair: str,
    timeframe: str,
) -> pl.DataFrame:
    step_us = timeframe_seconds(timeframe) * 1_000_000
    points = pl.DataFrame(
        {
            "t": [t * 1000 for t, _ in prices],
            "price": [p for _, p in prices],
            "vol": [volumes.get(t, 0.0) for t, _ in prices],
        },
        schema={"t": pl.Int64, "price": pl.Float64, "vol": pl.Float64},
    )
    lo, hi = int(start.timestamp() * 1e6), int(end.timestamp() * 1e6)
    return (
        points.filter((pl.col("t") >= lo) & (pl.col("t") < hi))
        .sort("t")
        .group_by((pl.col("t") // step_us * step_us).alias("bucket"), maintain_order=True)
        .agg(
            open=pl.col("price").first(),
            high=pl.col("price").max(),
            low=pl.col("price").min(),
            close=pl.col("price").last(),
            volume=pl.col("vol").last(),
        )
        .select(
            ts=pl.col("bucket").cast(pl.Datetime("us", "UTC")),
            source=pl.lit("coingecko"),
            pair=pl.lit(pair),
            timeframe=pl.lit(timeframe),
            open="open",
            high="high",
            low="low",
            close="close",
            volume="volume",
        )
        .cast(CANDLES)
    )
