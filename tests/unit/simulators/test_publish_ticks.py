"""The feed publishes every reference tick, late and in order."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from scenarios import ValidScenario
from simulators import FeedLatency, MarketDataError, publish_ticks
from simulators.market_data import FeedOutage, feed_outages
from simulators.schemas import MARKET_TICKS
from simulators.time_grid import to_us

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


def outage(kind: str, pairs: list[str] | None, start_s: int, end_s: int) -> FeedOutage:
    return FeedOutage(
        injection_id=kind,
        kind=kind,
        pairs=None if pairs is None else frozenset(pairs),
        start_us=to_us(START + start_s * SECOND),
        end_us=to_us(START + end_s * SECOND),
    )


def test_a_stale_feed_holds_its_ticks_back_and_delivers_them_in_a_burst() -> None:
    ref = reference(["BTC/USD", "ETH/USD"])
    clean = publish_ticks(ref, seed=2)
    stale = publish_ticks(ref, seed=2, outages=[outage("stale_feed", ["BTC/USD"], 600, 900)])
    assert stale.select("ts", "pair", "price").equals(clean.select("ts", "pair", "price"))
    btc = stale.filter(pl.col("pair") == "BTC/USD")
    arrived = btc.filter(
        pl.col("available_at").is_between(START + 600 * SECOND, START + 900 * SECOND, "left")
    )
    assert arrived.is_empty()  # nothing delivered while the feed is down
    burst = btc.filter(pl.col("available_at") == START + 900 * SECOND)
    # every tick of the window comes out at its end
    window = pl.col("ts").is_between(START + 600 * SECOND, START + 899 * SECOND)
    assert burst.filter(window).height == 300
    # ticks after the burst and every ETH tick arrive as they would have
    after = pl.col("available_at") > START + 900 * SECOND
    assert btc.filter(after).equals(clean.filter(pl.col("pair") == "BTC/USD").filter(after))
    eth = pl.col("pair") == "ETH/USD"
    assert stale.filter(eth).equals(clean.filter(eth))


def test_a_gap_loses_its_ticks_for_good_and_delays_nothing_else() -> None:
    ref = reference(["BTC/USD", "ETH/USD"])
    clean = publish_ticks(ref, seed=2)
    gappy = publish_ticks(ref, seed=2, outages=[outage("gap", None, 600, 900)])
    in_gap = pl.col("ts").is_between(START + 600 * SECOND, START + 900 * SECOND, "left")
    assert gappy.filter(in_gap).is_empty()
    assert gappy.height == clean.height - 2 * 300
    # a lost tick holds back nothing: the rest arrive exactly when they would have, or earlier
    kept = clean.filter(~in_gap).join(gappy, on=["pair", "ts"], suffix="_gappy")
    assert kept.height == gappy.height
    assert (kept["available_at_gappy"] <= kept["available_at"]).all()
    assert (gappy["available_at"] >= gappy["ts"]).all()


def test_an_outage_must_name_a_published_pair() -> None:
    with pytest.raises(MarketDataError, match=r"injection 'gap': params.pairs names 'BTC/ETH'"):
        publish_ticks(
            reference(["BTC/USD"], 60), seed=2, outages=[outage("gap", ["BTC/ETH"], 1, 2)]
        )


def test_feed_outages_come_from_the_scenario_and_last_to_its_end_unless_they_recover(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    scenario = make_scenario(
        "  - {id: stale, at: 30m, target: market_data, kind: stale_feed,"
        " params: {pairs: [BTC/USD], recover_after: 10m}}\n"
        "  - {id: lost, at: 1h, target: market_data, kind: gap, params: {}}\n"
        "  - {id: crash, at: 1h, target: market_data, kind: crash, params: {drop: 0.1}}"
    )
    stale, lost = feed_outages(scenario.injections, scenario.end)
    assert (stale.kind, stale.pairs, stale.end_us - stale.start_us) == (
        "stale_feed",
        frozenset({"BTC/USD"}),
        10 * 60 * 1_000_000,
    )
    assert (lost.kind, lost.pairs, lost.end_us) == ("gap", None, to_us(scenario.end))
