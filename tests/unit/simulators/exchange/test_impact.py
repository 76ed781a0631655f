"""Taker fills push the published venue price, and the push fades with its half-life."""

import math
from datetime import datetime

import numpy as np
import polars as pl
import pytest

from simulators.exchange import ExchangeConfig
from tests.unit.simulators.exchange.kit import (
    BTC_PRICE,
    SECOND,
    START,
    flat,
    order,
    reference,
    run,
)

CONFIG = ExchangeConfig()


def published(result_prices: pl.DataFrame, second: int) -> float:
    row = result_prices.filter(pl.col("ts") == START + second * SECOND)
    return float(row["price"].item())


def test_a_buy_pushes_the_venue_price_up_from_the_next_tick_then_it_decays() -> None:
    qty = 10.0
    result = run(flat(), [order(10, "o", "buy", qty)])
    prices = result.venue_prices
    assert (prices["price_clean"] == BTC_PRICE).all()
    assert published(prices, 10) == BTC_PRICE  # the tick the order traded in is unchanged
    # push = impact_coef × level step × qty / top level, in log terms (real BTC depth),
    # then halving every half-life from the moment of the fill
    push = CONFIG.impact_coef * 0.7527278e-4 * qty / 0.7542086
    half_life = CONFIG.impact_half_life.total_seconds()
    traded: datetime = result.fills["ts"][0]

    def expected(second: int) -> float:
        elapsed = (START + second * SECOND - traded).total_seconds()
        return float(push * 0.5 ** (elapsed / half_life))

    assert math.log(published(prices, 11) / BTC_PRICE) == pytest.approx(expected(11), rel=1e-5)
    later = 11 + int(half_life)
    assert math.log(published(prices, later) / BTC_PRICE) == pytest.approx(
        expected(later), rel=1e-5
    )
    assert expected(later) == pytest.approx(expected(11) / 2)


def test_a_sell_pushes_down_and_equal_opposite_trades_cancel() -> None:
    down = run(flat(), [order(10, "s", "sell", 5.0)]).venue_prices
    assert published(down, 12) < BTC_PRICE
    alone = run(flat(), [order(10, "b", "buy", 5.0)]).venue_prices
    both = run(flat(), [order(10, "b", "buy", 5.0), order(10.5, "s", "sell", 5.0)]).venue_prices
    # what is left is the buy's extra half second of fading, about 1% of one push
    residual = abs(math.log(published(both, 20) / BTC_PRICE))
    assert residual < 0.02 * math.log(published(alone, 20) / BTC_PRICE)


def test_maker_fills_leave_the_price_alone() -> None:
    prices = np.concatenate([np.full(30, BTC_PRICE), np.full(30, BTC_PRICE * 1.001)])
    rows = [order(5, "rest", "sell", 0.5, kind="limit", limit=BTC_PRICE * 1.0005)]
    result = run(reference(prices), rows)
    assert result.fills["liquidity"].to_list() == ["maker"]
    assert (result.venue_prices["price"] == result.venue_prices["price_clean"]).all()


def test_later_orders_trade_around_the_pushed_mid() -> None:
    rows = [order(10, "big", "buy", 50.0), order(12, "small", "buy", 0.01)]
    alone = run(flat(), [order(12, "small", "buy", 0.01)]).fills["price"].item()
    after = run(flat(), rows).fills.filter(pl.col("order_id") == "small")["price"].item()
    assert after > alone
