"""Lagged cross-correlation against the textbook definition."""

import numpy as np
import pytest

from correlator.xcorr import lagged_correlation


def brute_force(x: np.ndarray, y: np.ndarray, max_lag: int) -> list[float]:
    return [float(np.corrcoef(x[: len(x) - k], y[k:])[0, 1]) for k in range(max_lag + 1)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_lag_matches_the_pearson_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=500).cumsum()
    y = np.concatenate([np.zeros(9), x[:-9]]) + rng.normal(scale=2.0, size=500)
    expected = brute_force(x, y, 30)
    found = lagged_correlation(x, y, 30)
    assert found is not None
    assert found.lag == int(np.argmax(np.round(expected, 9)))
    assert found.correlation == pytest.approx(max(expected), abs=1e-8)


def test_an_exact_delayed_copy_correlates_perfectly_at_its_delay() -> None:
    x = np.sin(np.linspace(0, 20, 400))
    y = 3.0 * np.concatenate([np.zeros(7), x[:-7]]) + 1.0
    found = lagged_correlation(x, y, 20)
    assert found is not None
    assert (found.correlation, found.lag) == (1.0, 7)


def test_the_lag_search_stops_at_max_lag() -> None:
    x = np.sin(np.linspace(0, 20, 400))
    y = np.concatenate([np.zeros(7), x[:-7]])
    found = lagged_correlation(x, y, 3)
    assert found is not None
    assert found.lag <= 3
    assert found.correlation < 1.0


def test_a_flat_series_has_no_correlation() -> None:
    assert lagged_correlation(np.ones(50), np.arange(50.0), 5) is None
    assert lagged_correlation(np.arange(50.0), np.zeros(50), 5) is None


def test_too_short_series_have_no_correlation() -> None:
    assert lagged_correlation(np.array([1.0, 2.0]), np.array([1.0, 2.0]), 5) is None
