"""Chaos transforms: multiplicative factors on USD legs, one per market_data injection."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from scenarios import TypedInjection, ValidScenario
from scenarios.injections import KINDS, CrashParams
from simulators import TRANSFORMS, MarketDataError, apply_chaos
from simulators.market_data import FEED_KINDS, PAIR_TRANSFORMS

START = datetime(2021, 5, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
PRICES = {"BTC": 57_000.0, "ETH": 2_900.0, "USD": 1.0, "USDT": 1.0003}
CRASH = "  - {id: crash, at: 30m, target: market_data, kind: crash, params: {drop: 0.15}}"
DEPEG = (
    "  - {id: depeg, at: 30m, target: market_data, kind: depeg,"
    " params: {asset: USDT, to: 0.97, over: 1h, shape: linear}}"
)


def flat_legs(minutes: int = 120) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"ts": START + m * MINUTE, "asset": asset, "usd_price": price}
            for asset, price in sorted(PRICES.items())
            for m in range(minutes)
        ],
        schema={"ts": pl.Datetime("us", "UTC"), "asset": pl.String(), "usd_price": pl.Float64()},
    )


def factor_at(chaos: pl.DataFrame, asset: str, minute: int) -> float:
    row = chaos.filter((pl.col("asset") == asset) & (pl.col("ts") == START + minute * MINUTE))
    return float(row["usd_price"].item() / row["usd_price_clean"].item())


def test_every_market_data_kind_is_applied_by_exactly_one_stage() -> None:
    market_kinds = {kind for kind, spec in KINDS.items() if spec.target == "market_data"}
    stages = [set(TRANSFORMS), set(PAIR_TRANSFORMS), set(FEED_KINDS)]
    assert set.union(*stages) == market_kinds
    assert sum(len(stage) for stage in stages) == len(market_kinds)


def test_a_price_shock_moves_named_assets_by_its_sign_and_recovers(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    shocks = make_scenario(
        "  - {id: dump, at: 30m, target: market_data, kind: price_shock,"
        " params: {assets: [BTC], move: -0.3, shape: linear,"
        " recover_after: 20m, recover_over: 10m}}\n"
        "  - {id: pump, at: 30m, target: market_data, kind: price_shock,"
        " params: {assets: [USDT], move: 0.2}}"
    )
    chaos = apply_chaos(flat_legs(), shocks.injections)
    assert factor_at(chaos, "BTC", 29) == 1.0
    assert factor_at(chaos, "BTC", 30) == pytest.approx(0.7)  # over 0s: instant
    assert factor_at(chaos, "BTC", 55) == pytest.approx(0.85)  # half way back
    assert factor_at(chaos, "BTC", 60) == 1.0
    assert factor_at(chaos, "USDT", 30) == pytest.approx(1.2)  # a step by default
    assert factor_at(chaos, "USDT", 119) == pytest.approx(1.2)  # named, so pegged or not
    assert factor_at(chaos, "ETH", 40) == 1.0


def test_pair_and_feed_kinds_leave_the_legs_alone(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    later = make_scenario(
        "  - {id: rich, at: 30m, target: market_data, kind: divergence,"
        " params: {pair: BTC/ETH, to: 0.04}}\n"
        "  - {id: stale, at: 30m, target: market_data, kind: stale_feed, params: {}}\n"
        "  - {id: lost, at: 30m, target: market_data, kind: gap, params: {pairs: [BTC/USD]}}"
    )
    chaos = apply_chaos(flat_legs(), later.injections)
    assert chaos["usd_price"].equals(chaos["usd_price_clean"].alias("usd_price"))


def test_a_crash_hits_every_non_pegged_asset_by_default(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    chaos = apply_chaos(flat_legs(), make_scenario(CRASH).injections)
    for asset in ("BTC", "ETH"):
        assert factor_at(chaos, asset, 29) == 1.0
        assert factor_at(chaos, asset, 35) == pytest.approx(1 - 0.15 / 2)
        assert factor_at(chaos, asset, 40) == pytest.approx(0.85)
        assert factor_at(chaos, asset, 119) == pytest.approx(0.85)
    for pegged in ("USD", "USDT"):
        assert (
            chaos.filter(pl.col("asset") == pegged)
            .select((pl.col("usd_price") == pl.col("usd_price_clean")).all())
            .item()
        )


def test_a_crash_on_named_assets_spares_the_others(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    only_eth = CRASH.replace("{drop: 0.15}", "{drop: 0.15, assets: [ETH]}")
    chaos = apply_chaos(flat_legs(), make_scenario(only_eth).injections)
    assert factor_at(chaos, "ETH", 119) == pytest.approx(0.85)
    assert factor_at(chaos, "BTC", 119) == 1.0


def test_a_depeg_moves_the_stablecoin_to_its_target(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    chaos = apply_chaos(flat_legs(), make_scenario(DEPEG).injections)
    assert factor_at(chaos, "USDT", 30) == 1.0
    assert factor_at(chaos, "USDT", 60) == pytest.approx(0.985)
    assert factor_at(chaos, "USDT", 90) == pytest.approx(0.97)
    assert factor_at(chaos, "BTC", 90) == 1.0


def test_injections_multiply(make_scenario: Callable[..., ValidScenario]) -> None:
    both = make_scenario(f"{CRASH}\n{DEPEG}")
    crash_on_usdt = TypedInjection(
        id="crash_usdt",
        target="market_data",
        kind="crash",
        start_ts=START,
        params=CrashParams.model_validate({"drop": 0.5, "over": "0s", "assets": ["USDT"]}),
    )
    chaos = apply_chaos(flat_legs(), (*both.injections, crash_on_usdt))
    assert factor_at(chaos, "USDT", 90) == pytest.approx(0.97 * 0.5)
    assert factor_at(chaos, "BTC", 90) == pytest.approx(0.85)


def test_injections_for_other_targets_are_left_to_their_simulators() -> None:
    elsewhere = TypedInjection(
        id="outage",
        target="exchange",
        kind="exchange_outage",
        start_ts=START,
        params=CrashParams.model_validate({"drop": 0.5}),
    )
    chaos = apply_chaos(flat_legs(), [elsewhere])
    assert chaos["usd_price"].equals(chaos["usd_price_clean"].alias("usd_price"))


def test_an_unknown_market_data_kind_is_an_error() -> None:
    wobble = TypedInjection(
        id="wobble",
        target="market_data",
        kind="wobble",
        start_ts=START,
        params=CrashParams.model_validate({"drop": 0.5}),
    )
    with pytest.raises(MarketDataError, match="no market_data transform for kind 'wobble'"):
        apply_chaos(flat_legs(), [wobble])


def test_without_injections_prices_are_the_clean_legs() -> None:
    legs = flat_legs()
    chaos = apply_chaos(legs, [])
    assert chaos.columns == ["ts", "asset", "usd_price", "usd_price_clean"]
    assert chaos["usd_price"].equals(legs["usd_price"])
