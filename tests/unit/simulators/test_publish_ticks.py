"""The feed publishes every reference tick, late and in order."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from simulators import FeedLatency, publish_ticks
from simulators.schemas import MARKET_TICKS

START = datetime(2021, 5, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def reference(pairs: list[str], seconds: int = 3600) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"ts": START + i * SECOND, "pair": pair, "price": 100.0 + i, "price_clean": 100.0}
            for pair in pairs
            for i in range(seconds)
        ],
        schema={
            "ts": pl.Datetime("us", "UTC"),
            "pair": pl.String(),
            "price": pl.Float64(),
            "price_clean": pl.Float64(),
        },
    )


def delay_us(ticks: pl.DataFrame, statistic: str) -> float:
    delay = (pl.col("available_at") - pl.col("ts")).dt.total_microseconds()
    return float(ticks.select(getattr(delay, statistic)()).item())


def test_every_tick_is_published_with_its_chaos_price() -> None:
    ref = reference(["BTC/USD", "ETH/USD"])
    ticks = publish_ticks(ref, seed=1)
    assert ticks.schema == MARKET_TICKS
    assert ticks.select("ts", "pair", "price").equals(ref.select("ts", "pair", "price"))


def test_available_at_is_never_early_and_never_goes_back_per_pair() -> None:
    ticks = publish_ticks(reference(["BTC/USD", "ETH/USD"]), seed=1)
    assert (ticks["available_at"] >= ticks["ts"]).all()
    ordered = ticks.select(
        (pl.col("available_at").diff().over("pair").fill_null(timedelta(0)) >= timedelta(0)).all()
    )
    assert ordered.item()


def test_latency_is_about_a_quarter_second_and_capped() -> None:
    ticks = publish_ticks(reference(["BTC/USD"]), seed=1)
    # 3600 draws: the sample median lands within a few ms of 250 ms; head-of-line blocking
    # only adds delay, and rarely at one tick a second
    assert 235_000 <= delay_us(ticks, "median") <= 280_000
    wild = FeedLatency(sigma=3.0, cap=timedelta(seconds=2))
    assert delay_us(publish_ticks(reference(["BTC/USD"]), 1, wild), "max") == 2_000_000


def test_same_seed_same_ticks_and_pairs_are_independent() -> None:
    btc = publish_ticks(reference(["BTC/USD"]), seed=4)
    both = publish_ticks(reference(["ETH/USD", "BTC/USD"]), seed=4)
    assert both.filter(pl.col("pair") == "BTC/USD").equals(btc)
    assert btc.equals(publish_ticks(reference(["BTC/USD"]), seed=4))
    assert not btc.equals(publish_ticks(reference(["BTC/USD"]), seed=5))


def test_a_latency_must_make_sense() -> None:
    with pytest.raises(ValueError, match="median latency must be positive"):
        FeedLatency(median=timedelta(0))
