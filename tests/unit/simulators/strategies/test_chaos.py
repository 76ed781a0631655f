"""Each chaos strategy's misbehaviour in the audit log, and its footprint in the prod view."""

from datetime import timedelta

import numpy as np
import polars as pl

from simulators.strategies import StrategyRun
from tests.unit.simulators.strategies.kit import BTC, ETH, cosim, orders_per_account, ramp, spec

TEN_S = timedelta(seconds=10)


def realised_vol(run: StrategyRun, pair: str = "BTC/USD") -> float:
    prices = run.exchange.venue_prices.filter(pl.col("pair") == pair)["price"].to_numpy()
    return float(np.std(np.diff(np.log(prices))))


def test_runaway_sends_over_100_times_a_normal_strategys_orders() -> None:
    run = cosim(
        {"BTC/USD": ramp(300, BTC, 0.02)},
        [
            spec("normal", "momentum", ["BTC/USD"], TEN_S, lookback=2, threshold_bps=5, qty=0.1),
            spec("runaway", "runaway", ["BTC/USD"], orders_per_decision=20),
        ],
        {"normal": {"USD": 1e6}, "runaway": {"USD": 1e6, "BTC": 50.0}},
    )
    runaway = run.strategy_log.filter(pl.col("strategy_id") == "runaway")
    assert (runaway["reason"] == "resubmit loop").all()
    assert (runaway["decision"] == "submit").all()  # nothing held it back
    counts = orders_per_account(run)
    assert counts["normal"] > 0
    assert counts["runaway"] >= 100 * counts["normal"]


def test_risk_ignorant_trades_through_the_limit_its_oms_should_hold() -> None:
    limit = 500_000.0
    run = cosim(
        {"BTC/USD": [BTC] * 120},
        [
            spec("ignorant", "risk_ignorant", ["BTC/USD"], qty=1.0, max_position_usd=limit),
            spec("careful", "risk_ignorant", ["BTC/USD"], account="careful", qty=1.0),
        ],
        {"ignorant": {"USD": 1e7}, "careful": {"USD": 1e7}},
    )
    log = run.strategy_log.filter(pl.col("strategy_id") == "ignorant")
    assert (log["decision"] == "submit").all()
    assert log["reason"].str.starts_with("limits ignored").all()
    btc = run.strategy_performance.filter(
        (pl.col("strategy_id") == "ignorant") & (pl.col("asset") == "BTC")
    )
    assert btc["position"].to_numpy().max() * BTC > 5 * limit  # the prod view shows the breach


def test_a_normal_strategys_oms_blocks_what_risk_ignorant_sends() -> None:
    run = cosim(
        {"BTC/USD": ramp(300, BTC, 0.03)},
        [
            spec(
                "m",
                "momentum",
                ["BTC/USD"],
                lookback=2,
                threshold_bps=1,
                qty=2.0,
                max_position_usd=300_000,
            )
        ],
        {"m": {"USD": 1e7}},
    )
    blocked = run.strategy_log.filter(pl.col("decision") == "blocked")
    assert blocked.height > 0
    assert blocked["reason"].str.starts_with("max_position_usd").all()
    btc = run.strategy_performance.filter(pl.col("asset") == "BTC")
    assert (btc["position"] * BTC * 0.97 <= 300_000 * 1.01).all()


def test_volatility_amplifier_raises_realised_volatility_by_half() -> None:
    rng = np.random.default_rng(3)
    path = BTC * np.exp(np.cumsum(rng.normal(0.0, 1e-4, 600)))
    holdings = {"amp": {"USD": 5e7, "BTC": 500.0}}
    amp = spec("amp", "volatility_amplifier", ["BTC/USD"], qty=20.0, max_position_usd=1e9)
    quiet = cosim({"BTC/USD": path}, [], holdings)
    loud = cosim({"BTC/USD": path}, [amp], holdings)
    sent = loud.strategy_log.filter(pl.col("decision") == "submit")
    assert sent.height > 0
    assert sent["reason"].str.starts_with("chasing").all()
    assert realised_vol(loud) > 1.5 * realised_vol(quiet)  # 1.69x measured at seed 3


def test_correlation_breaker_pushes_co_moving_assets_apart() -> None:
    rise = ramp(300, 1.0, 0.01)
    holdings = {"brk": {"USD": 1e7, "BTC": 10.0, "ETH": 2000.0}}
    paths = {"BTC/USD": BTC * rise, "ETH/USD": ETH * rise}
    run = cosim(
        paths,
        [
            spec(
                "brk",
                "correlation_breaker",
                ["BTC/USD", "ETH/USD"],
                qty=5.0,
                max_position_usd=5e6,
                max_orders_per_minute=200,
            )
        ],
        holdings,
    )
    log = run.strategy_log
    assert set(zip(log["pair"], log["side"], strict=True)) == {
        ("BTC/USD", "buy"),
        ("ETH/USD", "sell"),
    }
    venue = run.exchange.venue_prices.group_by("pair").agg(
        push=(pl.col("price") / pl.col("price_clean")).log().mean()
    )
    push = dict(venue.iter_rows())
    assert push["BTC/USD"] > 0 > push["ETH/USD"]  # the venue's two legs are pulled apart


def test_slow_leak_bleeds_a_little_every_decision() -> None:
    run = cosim(
        {"BTC/USD": [BTC] * 600},
        [spec("leak", "slow_leak", ["BTC/USD"], TEN_S, qty=0.2)],
        {"leak": {"USD": 1e6, "BTC": 1.0}},
    )
    assert run.strategy_log["reason"].str.starts_with("round trip").all()
    pnl = run.strategy_performance.filter(pl.col("asset") == "USD")["pnl_usd"].to_numpy()
    assert pnl[-1] < 0
    assert pnl[-1] > -0.001 * 1e6  # small: under 0.1% of the account in ten minutes
    assert (np.diff(pnl) <= 1e-6).all()  # and persistent: it never earns it back


def test_same_inputs_and_seed_give_identical_frames() -> None:
    strategies = [
        spec("runaway", "runaway", ["BTC/USD"]),
        spec("amp", "volatility_amplifier", ["BTC/USD"], max_position_usd=1e9),
    ]
    holdings = {"runaway": {"USD": 1e6, "BTC": 10.0}, "amp": {"USD": 1e7, "BTC": 100.0}}
    rng = np.random.default_rng(5)
    path = {"BTC/USD": BTC * np.exp(np.cumsum(rng.normal(0.0, 1e-4, 120)))}
    one, two = cosim(path, strategies, holdings, seed=4), cosim(path, strategies, holdings, seed=4)
    other = cosim(path, strategies, holdings, seed=5)
    for name in ("strategy_log", "chaos_strategy_status", "strategy_performance"):
        assert getattr(one, name).equals(getattr(two, name)), name
    assert one.exchange.fills.equals(two.exchange.fills)
    assert not one.strategy_log.equals(other.strategy_log)
