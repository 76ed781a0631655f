"""The baseline the vectorised monitor is measured against: two rules written as the obvious
plain-Python loop, one evaluation time at a time, as a per-tick monitor would run."""

from collections import deque
from datetime import datetime, timedelta

import polars as pl


def evaluate_per_tick(
    ticks: pl.DataFrame,
    accounts: dict[str, dict[str, float]],
    start: datetime,
    end: datetime,
    lookback: timedelta = timedelta(hours=24),
) -> int:
    """Drawdown of every account and depeg of USDT at every second; returns evaluations made.
    `accounts` maps account id to its balance per asset."""
    feed = ticks.sort("available_at").select("available_at", "pair", "price").rows()
    usd_price: dict[str, float] = {"USD": 1.0}
    peaks: dict[str, deque[tuple[datetime, float]]] = {a: deque() for a in accounts}
    cursor, evaluations = 0, 0
    now = start
    while now <= end:
        while cursor < len(feed) and feed[cursor][0] <= now:
            _, pair, price = feed[cursor]
            base, quote = pair.split("/")
            if quote == "USD":
                usd_price[base] = price
            cursor += 1
        depeg = abs(usd_price.get("USDT", 1.0) - 1)
        evaluations += depeg >= 0
        for account, balances in accounts.items():
            if not all(asset in usd_price for asset in balances):
                continue
            value = sum(amount * usd_price[asset] for asset, amount in balances.items())
            history = peaks[account]
            while history and history[-1][1] <= value:
                history.pop()
            history.append((now, value))
            while history[0][0] <= now - lookback:
                history.popleft()
            evaluations += 1 - value / history[0][1] >= 0
        now += timedelta(seconds=1)
    return evaluations
