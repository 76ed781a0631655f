"""Which candles size a pair's book, and the figures they give."""

import polars as pl
import pytest

from simulators.exchange import Backdoors, ExchangeConfig, build_markets
from simulators.exchange.calibration import SourceMatch, match_source
from tests.unit.simulators.exchange.kit import BTC_RANGE, BTC_VOLUME, candles, flat

BUNDLED = frozenset({"BTC/USDT", "ETH/USDT", "ETH/BTC", "USDC/USDT"})


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        ("BTC/USDT", SourceMatch("BTC/USDT", "exact")),
        ("BTC/ETH", SourceMatch("ETH/BTC", "inverse")),
        ("USDT/BTC", SourceMatch("BTC/USDT", "inverse")),
        ("BTC/USD", SourceMatch("BTC/USDT", "base")),
        ("ETH/USD", SourceMatch("ETH/USDT", "base")),  # a USD-like quote beats ETH/BTC
        ("USDT/USD", SourceMatch(None, "default")),
    ],
)
def test_each_pair_takes_the_series_that_trades_its_base(pair: str, expected: SourceMatch) -> None:
    assert match_source(pair, BUNDLED) == expected


def test_the_book_follows_the_formula() -> None:
    market = build_markets(flat(), candles(), Backdoors([]), ExchangeConfig())["BTC/USD"]
    assert market.half_spread[0] == pytest.approx(0.05 * BTC_RANGE)
    assert market.level_step[0] == pytest.approx(0.05 * BTC_RANGE)
    assert market.top_qty[0] == pytest.approx(BTC_VOLUME / 60)  # a 1m candle's volume per second


def test_a_calm_market_is_floored_at_one_tick() -> None:
    quiet = candles(candle_range=1e-6)
    market = build_markets(flat(), quiet, Backdoors([]), ExchangeConfig())["BTC/USD"]
    assert market.half_spread[0] == pytest.approx(0.5e-4)


def test_inverse_series_volume_is_turned_into_our_base_units() -> None:
    eth_btc = candles(pair="ETH/BTC", price=0.05, volume=1_000.0)
    ref = flat(price=20.0, pair="BTC/ETH")
    market = build_markets(ref, eth_btc, Backdoors([]), ExchangeConfig())["BTC/ETH"]
    assert market.top_qty[0] == pytest.approx(1_000.0 * 0.05 / 60)


def test_no_matching_series_uses_the_default_notional() -> None:
    ref = flat(price=1.0, pair="USDT/USD")
    market = build_markets(ref, candles(), Backdoors([]), ExchangeConfig())["USDT/USD"]
    assert market.top_qty[0] == pytest.approx(50_000.0)
    assert market.half_spread[0] == pytest.approx(0.5e-4)  # 5% of a 5 bps range, floored


def test_figures_use_only_candles_that_had_closed() -> None:
    """From the start, candles trade ten times the volume: the trailing median of 60 flips
    once 31 of them have closed, not a tick before."""
    history = candles(count=60)
    busy = pl.concat(
        history.with_columns(
            pl.col("ts") + pl.duration(minutes=60 + shift), pl.col("volume") * 10
        ).head(1)
        for shift in range(40)
    )
    ref = flat(seconds=3_600)
    market = build_markets(ref, pl.concat([history, busy]), Backdoors([]), ExchangeConfig())[
        "BTC/USD"
    ]
    normal, loud = BTC_VOLUME / 60, 10 * BTC_VOLUME / 60
    assert market.top_qty[30 * 60 - 1] == pytest.approx(normal)
    assert market.top_qty[31 * 60 - 1] < loud  # the 31st busy candle closes at 31 min
    assert market.top_qty[31 * 60] == pytest.approx(loud)
