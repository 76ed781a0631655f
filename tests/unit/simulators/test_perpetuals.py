"""Perpetual legs: spot times a seeded, mean-reverting basis; a basis blowout moves only them."""

from datetime import timedelta

import polars as pl

from simulators.market_data.legs import USD_LEGS
from simulators.market_data.perpetuals import NormalBasis, with_perpetuals
from tests.unit.simulators.conftest import START


def spot_legs(seconds: int = 4 * 3600) -> pl.DataFrame:
    ts = [START + timedelta(seconds=i) for i in range(seconds)]
    return pl.DataFrame({"ts": ts, "asset": "BTC", "usd_price": 50_000.0}, schema=USD_LEGS)


def test_a_perpetual_tracks_its_underlying_within_its_normal_basis() -> None:
    legs = with_perpetuals(spot_legs(), ["BTC", "BTC-PERP", "USD"], seed=3)
    perp = legs.filter(pl.col("asset") == "BTC-PERP")["usd_price"] / 50_000.0 - 1
    basis = NormalBasis()
    assert perp.len() == 4 * 3600
    assert abs(perp.mean() - basis.mean) < basis.spread  # type: ignore[operator]
    assert perp.abs().max() < basis.mean + 6 * basis.spread  # type: ignore[operator]


def test_the_basis_is_deterministic_per_seed_and_differs_across_seeds() -> None:
    first = with_perpetuals(spot_legs(600), ["BTC-PERP"], seed=3)
    assert first.equals(with_perpetuals(spot_legs(600), ["BTC-PERP"], seed=3))
    assert not first.equals(with_perpetuals(spot_legs(600), ["BTC-PERP"], seed=4))


def test_no_perpetual_wanted_leaves_the_legs_alone() -> None:
    assert with_perpetuals(spot_legs(60), ["BTC", "USD"], seed=3).equals(spot_legs(60))
