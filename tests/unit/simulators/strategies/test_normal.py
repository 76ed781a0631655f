"""Each normal strategy, on a hand-made price path, does what its name says."""

from collections import deque
from datetime import timedelta

import numpy as np
import polars as pl

from simulators.strategies import View
from simulators.strategies.registry import STRATEGIES
from tests.unit.simulators.strategies.kit import BTC, ETH, cosim, ramp, spec

RNG = np.random.default_rng(0)


def view(mids: dict[str, float], seen: dict[str, list[float]], **held: float) -> View:
    return View(0, mids, held, seen={p: deque(v) for p, v in seen.items()})


def test_momentum_buys_a_rising_market_and_sells_a_falling_one() -> None:
    momentum = STRATEGIES["momentum"](spec("m", "momentum", ["BTC/USD"], lookback=3), RNG)
    rising = [BTC, BTC * 1.001, BTC * 1.002, BTC * 1.003]
    up = momentum.decide(0, view({"BTC/USD": rising[-1]}, {"BTC/USD": rising}, BTC=1.0))
    falling = rising[::-1]
    down = momentum.decide(0, view({"BTC/USD": falling[-1]}, {"BTC/USD": falling}, BTC=1.0))
    assert [i.side for i in up] == ["buy"]
    assert [i.side for i in down] == ["sell"]


def test_momentum_through_the_venue_accumulates_on_a_rise() -> None:
    run = cosim(
        {"BTC/USD": ramp(600, BTC, 0.02)},
        [spec("m", "momentum", ["BTC/USD"], timedelta(seconds=10), lookback=3, threshold_bps=5)],
        {"m": {"USD": 1_000_000.0}},
    )
    log = run.strategy_log
    assert log.height > 0
    assert (log["side"] == "buy").all()
    btc = run.strategy_performance.filter(pl.col("asset") == "BTC")["position"]
    assert btc[-1] > btc[0]


def test_mean_reversion_fades_a_spike_and_buys_a_dip() -> None:
    fade = STRATEGIES["mean_reversion"](
        spec("r", "mean_reversion", ["BTC/USD"], lookback=5, threshold_bps=20), RNG
    )
    spike = [BTC] * 4 + [BTC * 1.01]
    dip = [BTC] * 4 + [BTC * 0.99]
    assert [i.side for i in fade.decide(0, view({}, {"BTC/USD": spike}, BTC=1.0))] == ["sell"]
    assert [i.side for i in fade.decide(0, view({}, {"BTC/USD": dip}, BTC=1.0))] == ["buy"]
    calm = [BTC] * 5
    assert fade.decide(0, view({}, {"BTC/USD": calm}, BTC=1.0)) == []


def test_triangular_arbitrage_sells_the_dear_cross_and_closes_the_triangle() -> None:
    pairs = ["BTC/USD", "ETH/USD", "BTC/ETH"]
    dear = BTC / ETH * 1.002  # BTC 20 bps dear in ETH
    seconds = 120
    run = cosim(
        {"BTC/USD": [BTC] * seconds, "ETH/USD": [ETH] * seconds, "BTC/ETH": [dear] * seconds},
        [spec("arb", "triangular_arbitrage", pairs, threshold_bps=5, qty=2.0)],
        {"arb": {"USD": 1_000_000.0, "BTC": 20.0, "ETH": 400.0}},
    )
    first = run.strategy_log.filter(pl.col("seq") < 3)
    assert list(zip(first["pair"], first["side"], strict=True)) == [
        ("BTC/ETH", "sell"),
        ("ETH/USD", "sell"),
        ("BTC/USD", "buy"),
    ]
    # its sells push the cross down toward the implied 20.0: the mispricing narrows
    cross = run.exchange.venue_prices.filter(pl.col("pair") == "BTC/ETH")
    gap = (cross["price"] / (BTC / ETH) - 1).to_numpy()
    assert gap[-1] < gap[0]
    assert gap.min() < 0.002 * 0.9
