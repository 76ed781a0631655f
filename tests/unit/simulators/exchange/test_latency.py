"""Order latency: a lognormal draw per order whose median rises with recent volatility."""

import numpy as np
import polars as pl

from tests.unit.simulators.exchange.kit import BTC_PRICE, SECOND, START, order, reference, run


def entry_delays_ms(result_events: pl.DataFrame, sent: list[float]) -> np.ndarray:
    accepted = result_events.filter(pl.col("status") == "accepted").sort("order_id")
    sent_at = pl.Series([START + s * SECOND for s in sent])
    delay = accepted["ts"] - sent_at
    return delay.dt.total_microseconds().to_numpy() / 1_000.0


def test_entry_latency_is_a_distribution_not_a_constant() -> None:
    sent = [10.0 + i for i in range(100)]
    rows = [order(s, f"o{i:03d}", qty=0.01) for i, s in enumerate(sent)]
    delays = entry_delays_ms(run(reference(np.full(200, BTC_PRICE)), rows).order_events, sent)
    assert 10 < np.median(delays) < 25  # median 15 ms on a calm market
    assert delays.std() > 2
    assert (delays > 0).all()


def test_orders_sent_into_a_volatile_market_reach_the_engine_later() -> None:
    """An hour of calm, then two minutes of 10x moves: same orders, slower entry."""
    rng = np.random.default_rng(4)
    calm = rng.normal(0.0, 1e-4, 3_600)
    wild = rng.normal(0.0, 1e-3, 120)
    prices = BTC_PRICE * np.exp(np.cumsum(np.concatenate([calm, wild])))
    calm_sent = [3_400.0 + i for i in range(60)]
    wild_sent = [3_630.0 + i for i in range(60)]
    rows = [order(s, f"a{i:03d}", qty=0.01) for i, s in enumerate(calm_sent)]
    rows += [order(s, f"b{i:03d}", qty=0.01) for i, s in enumerate(wild_sent)]
    delays = entry_delays_ms(run(reference(prices), rows).order_events, calm_sent + wild_sent)
    assert np.median(delays[60:]) > 3 * np.median(delays[:60])
