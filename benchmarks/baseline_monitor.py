"""The baseline the vectorised monitor is measured against: the same two rules written as the
obvious plain-Python loop, one evaluation time at a time, as a per-tick monitor would run."""

from collections import deque
from datetime import datetime, timedelta

import polars as pl


def evaluate_per_tick(
    ticks: pl.DataFrame,
    balances: dict[str, float],
    start: datetime,
    end: datetime,
    lookback: timedelta = timedelta(hours=24),
) -> int:
    """Drawdown of one account and depeg of USDT at every second; returns evaluations made."""
    feed = ticks.sort("available_at").select("available_at", "pair", "price").rows()
    usd_price: dict[str, float] = {"USD": 1.0}
    peaks: deque[tuple[datetime, float]] = deque()
    cursor, evaluations = 0, 0
    now = start
    while now <= end:
        while cursor < len(feed) and feed[cursor][0] <= now:
            _, pair, price = feed[cursor]
            base, quote = pair.split("/")
            if quote == "USD":
                usd_price[base] = price
            cursor += 1
        if all(asset in usd_price for asset in balances):
            value = sum(amount * usd_price[asset] for asset, amount in balances.items())
            while peaks and peaks[-1][1] <= value:
                peaks.pop()
            peaks.append((now, value))
            while peaks[0][0] <= now - lookback:
                peaks.popleft()
            drawdown = 1 - value / peaks[0][1]
            depeg = abs(usd_price.get("USDT", 1.0) - 1)
            evaluations += 2 if drawdown >= 0 and depeg >= 0 else 0
        now += timedelta(seconds=1)
    return evaluations
