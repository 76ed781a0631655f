"""Injection intensity: ramp in with a shape, hold, optionally ramp back out."""

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest

from scenarios.injections import Profile
from simulators import intensity

START = datetime(2021, 5, 1, 6, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
EXP_HALF = (1 - math.exp(-2.5)) / (1 - math.exp(-5))


def profile(**fields: Any) -> Profile:
    return Profile.model_validate(fields)


def at(minutes: list[float], p: Profile) -> list[float]:
    times = pl.Series("ts", [START + m * MINUTE for m in minutes], pl.Datetime("us", "UTC"))
    return intensity(times, START, p).to_list()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"shape": "step", "over": "10m"}, [0.0, 1.0, 1.0, 1.0, 1.0]),
        ({"shape": "linear", "over": "10m"}, [0.0, 0.0, 0.5, 1.0, 1.0]),
        ({"shape": "exponential", "over": "10m"}, [0.0, 0.0, EXP_HALF, 1.0, 1.0]),
        ({"shape": "linear", "over": "0s"}, [0.0, 1.0, 1.0, 1.0, 1.0]),
    ],
)
def test_ramp_in_before_at_mid_end_and_after(fields: dict[str, str], expected: list[float]) -> None:
    values = at([-1, 0, 5, 10, 60], profile(**fields))
    assert values == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("step", [1.0, 0.0, 0.0, 0.0, 0.0]),
        ("linear", [1.0, 1.0, 0.5, 0.0, 0.0]),
        ("exponential", [1.0, 1.0, 1 - EXP_HALF, 0.0, 0.0]),
    ],
)
def test_recovery_ramps_back_out_with_the_same_shape(shape: str, expected: list[float]) -> None:
    p = profile(shape=shape, over="10m", recover_after="30m", recover_over="10m")
    assert at([29, 30, 35, 40, 90], p) == pytest.approx(expected, abs=1e-15)


def test_a_recovery_before_the_ramp_finished_still_ends_at_zero() -> None:
    p = profile(shape="linear", over="10m", recover_after="5m", recover_over="10m")
    assert at([5, 10, 15, 20], p) == pytest.approx([0.5, 1.0 * 0.5, 0.0, 0.0])


def test_expression_and_series_agree_and_stay_in_unit_interval() -> None:
    p = profile(shape="exponential", over="7m", recover_after="20m", recover_over="3m")
    times = pl.Series("ts", [START + k * timedelta(seconds=13) for k in range(-20, 200)])
    from_expr = times.to_frame().select(intensity(pl.col("ts"), START, p)).to_series()
    from_series = intensity(times, START, p)
    assert from_expr.equals(from_series)
    assert from_series.is_between(0.0, 1.0).all()
