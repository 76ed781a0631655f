"""The baseline the co-simulation core is measured against: the minimal pure-Python replay loop
(issue 11's ~0.9 M ticks/s). Every second: eight pairs' mids updated, three strategies
(momentum, mean reversion, triangular arbitrage) decide and fill at the mid with a fee, and a
risk check values the account (drawdown from peak, depeg, position limit). No book, no latency,
no venues, no records."""

from collections import deque

FEE = 5e-4
TREND_LOOKBACK, FADE_LOOKBACK = 60, 300
POSITION_LIMIT_USD = 5e6


def cosimulate_per_tick(prices: dict[str, list[float]]) -> tuple[int, int]:
    """`prices` per pair on a shared 1 s grid (needs BTC/USD, ETH/USD, BTC/ETH, USDT/USD);
    returns (fills, risk flags)."""
    pairs = list(prices)
    columns = [prices[p] for p in pairs]
    mids = dict.fromkeys(pairs, 0.0)
    balances = {"USD": 6e6, "BTC": 40.0, "ETH": 600.0, "USDT": 0.0}
    trend: deque[float] = deque(maxlen=TREND_LOOKBACK + 1)
    fade: deque[float] = deque(maxlen=FADE_LOOKBACK)
    fills = flags = 0
    peak = 0.0
    for i in range(len(columns[0])):
        for pair, column in zip(pairs, columns, strict=True):
            mids[pair] = column[i]
        btc, eth = mids["BTC/USD"], mids["ETH/USD"]
        trend.append(btc)  # momentum on BTC/USD: follow a 0.2% move over a minute
        if len(trend) > TREND_LOOKBACK:
            move = btc / trend[0] - 1
            if abs(move) > 2e-3:
                fills += _fill(balances, "BTC", 0.01 if move > 0 else -0.01, btc)
        fade.append(eth)  # mean reversion on ETH/USD: fade a 0.5% stretch from the mean
        if len(fade) == FADE_LOOKBACK:
            stretch = eth / (sum(fade) / FADE_LOOKBACK) - 1
            if abs(stretch) > 5e-3:
                fills += _fill(balances, "ETH", -0.1 if stretch > 0 else 0.1, eth)
        gap = btc / eth / mids["BTC/ETH"] - 1  # triangular: BTC/ETH against the two USD legs
        if abs(gap) > 1e-3:
            fills += _fill(balances, "BTC", -0.01 if gap > 0 else 0.01, btc)
            fills += _fill(balances, "ETH", 0.01 * btc / eth if gap > 0 else -0.01 * btc / eth, eth)
        usdt = mids["USDT/USD"]  # the risk check, every tick
        value = balances["USD"] + balances["BTC"] * btc + balances["ETH"] * eth
        value += balances["USDT"] * usdt
        peak = max(peak, value)
        drawdown = 1 - value / peak
        largest = max(abs(balances["BTC"] * btc), abs(balances["ETH"] * eth))
        flags += drawdown > 0.05 or abs(usdt - 1) > 0.01 or largest > POSITION_LIMIT_USD
    return fills, flags


def _fill(balances: dict[str, float], asset: str, qty: float, price: float) -> int:
    balances[asset] += qty
    balances["USD"] -= qty * price + abs(qty) * price * FEE
    return 1
