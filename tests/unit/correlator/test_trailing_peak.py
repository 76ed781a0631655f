"""The numpy fall from the trailing peak is, bit for bit, a Polars window per subject's."""

from datetime import UTC, datetime, timedelta
from typing import Literal

import numpy as np
import polars as pl
import pytest

from correlator.market_truth import fall_from_peak
from correlator.trailing_peak import worst_fall

T0 = datetime(2024, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def windowed(values: pl.DataFrame, over: timedelta) -> pl.DataFrame:
    """The general path: a rolling maximum per subject, the worst fall per sorted time."""
    peak = pl.col("value").rolling_max_by("ts", window_size=over).over("subject")
    return (
        values.sort("ts")
        .with_columns(fallen=1 - pl.col("value") / peak)
        .group_by("ts")
        .agg(value=pl.col("fallen").max())
        .sort("ts")
    )


def same_bits(left: pl.DataFrame, right: pl.DataFrame) -> bool:
    values = left.get_column("value").to_numpy(), right.get_column("value").to_numpy()
    return (
        left.schema == right.schema
        and left.get_column("ts").equals(right.get_column("ts"))
        and values[0].view(np.uint64).tobytes() == values[1].view(np.uint64).tobytes()
    )


def random_values(seed: int, unit: Literal["us", "ns"] = "us") -> tuple[pl.DataFrame, timedelta]:
    """Subjects on shared or own grids of whole seconds (ties, windows ending exactly on a row),
    values with zeros (0 / 0 falls) and negatives, each subject one run in time order."""
    rng = np.random.default_rng(seed)
    grids = [np.sort(rng.integers(0, 60, rng.integers(1, 40))) for _ in range(rng.integers(1, 4))]
    frames = []
    for subject in range(int(rng.integers(1, 6))):
        seconds = grids[int(rng.integers(len(grids)))]
        value = rng.choice([0.0, 1.0, 2.0, 3.5, -1.0, 7.25], len(seconds))
        frames.append(
            pl.DataFrame(
                {
                    "ts": [T0 + int(s) * SECOND for s in seconds],
                    "subject": f"s{subject}",
                    "value": value,
                },
                schema={"ts": pl.Datetime(unit, "UTC"), "subject": pl.String, "value": pl.Float64},
            )
        )
    order = rng.permutation(len(frames))
    return pl.concat([frames[i] for i in order]), int(rng.integers(1, 30)) * SECOND


@pytest.mark.parametrize("seed", range(300))
def test_the_numpy_path_matches_a_window_per_subject_bit_for_bit(seed: int) -> None:
    values, over = random_values(seed, unit="ns" if seed % 5 == 0 else "us")
    fast = worst_fall(values, over)
    assert fast is not None
    assert same_bits(fast, windowed(values, over))


def test_nan_and_negative_zero_take_the_general_path() -> None:
    values, over = random_values(7)
    for value in (float("nan"), -0.0):
        frame = values.with_columns(value=pl.lit(value))
        assert worst_fall(frame, over) is None
        assert same_bits(fall_from_peak(frame, over), windowed(frame, over))


def test_rows_in_any_order_give_the_same_falls() -> None:
    values, over = random_values(11)
    shuffled = values.sample(fraction=1.0, shuffle=True, seed=1)
    assert same_bits(fall_from_peak(shuffled, over), windowed(values, over))


def test_a_subject_split_in_two_runs_is_not_taken() -> None:
    values = pl.DataFrame(
        {
            "ts": [T0, T0 + SECOND, T0 + 2 * SECOND],
            "subject": ["a", "b", "a"],
            "value": [5.0, 1.0, 1.0],
        },
        schema={"ts": pl.Datetime("us", "UTC"), "subject": pl.String, "value": pl.Float64},
    )
    assert worst_fall(values, 10 * SECOND) is None
    assert fall_from_peak(values, 10 * SECOND).get_column("value").to_list() == [0.0, 0.0, 0.8]
