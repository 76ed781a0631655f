"""Slippage grows with size through the calibrated depth (figures also in the README)."""

import numpy as np
import polars as pl
import pytest

from tests.unit.simulators.exchange.kit import BTC_PRICE, flat, order, run, slippage_bps, walk

# Real BTC/USDT 1m medians at 1 s resolution: half-spread 0.75 bps, top level 0.754 BTC,
# level step 0.75 bps, level i holding (1 + i) × 0.754 BTC.
FIGURES_BPS = {0.01: 0.753, 1.0: 0.938, 10.0: 2.629, 100.0: 8.187}
LEVELS_WALKED = {0.01: 1, 1.0: 2, 10.0: 5, 100.0: 16}


@pytest.mark.parametrize("qty", sorted(FIGURES_BPS))
def test_market_buy_figures_on_real_btc_depth(qty: float) -> None:
    fills = run(flat(), [order(5, "o", "buy", qty)]).fills
    assert fills["qty"].sum() == pytest.approx(qty)
    assert slippage_bps(fills, BTC_PRICE) == pytest.approx(FIGURES_BPS[qty], abs=1e-3)
    assert fills.height == LEVELS_WALKED[qty]


def test_sells_mirror_buys() -> None:
    fills = run(flat(), [order(5, "o", "sell", 1.0)]).fills
    assert -slippage_bps(fills, BTC_PRICE) == pytest.approx(FIGURES_BPS[1.0], abs=1e-3)


def test_bigger_orders_fill_worse_on_average_over_a_moving_market() -> None:
    """Each size bought every 20 s over an hour of random walk, each size in its own run so
    impact from one size never leaks into another; slippage against the venue's own mid."""
    ref = walk(3_600, seed=11)
    averages = {}
    for qty in (0.01, 1.0, 100.0):
        result = run(ref, [order(20 * i + 5, f"o{i}", "buy", qty) for i in range(170)])
        mids = result.venue_prices.select("ts", "price").rename({"price": "mid"})
        fills = result.fills.sort("ts").join_asof(mids.sort("ts"), on="ts")
        per_order = fills.group_by("order_id").agg(
            (pl.col("price") * pl.col("qty")).sum() / pl.col("qty").sum() / pl.col("mid").first()
        )
        averages[qty] = float(np.mean(per_order["price"].to_numpy()) - 1.0) * 1e4
    assert averages[0.01] < averages[1.0] < averages[100.0]
