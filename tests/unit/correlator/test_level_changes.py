"""The monitor-layout search for level changes agrees with the any-layout one, gaps and all."""

import numpy as np
import pytest

from correlator.level_changes import NO_LEVEL, _periodic, _sorted


@pytest.mark.parametrize("seed", range(200))
def test_the_periodic_search_agrees_with_the_sorted_one(seed: int) -> None:
    rng = np.random.default_rng(seed)
    period, ticks = int(rng.integers(1, 8)), int(rng.integers(1, 60))
    # long runs of one level, gaps (NO_LEVEL) among them, from the first tick or not
    runs = rng.integers(1, 12, size=period * ticks)
    codes = rng.choice(np.array([NO_LEVEL, 0, 0, 1, 2], dtype=np.int8), size=len(runs))
    by_series = np.repeat(codes, runs)[: period * ticks].reshape(period, -1)
    level = np.ascontiguousarray(by_series.T).ravel()  # tick-major: row i is series i % period
    series = (np.arange(len(level)) % period).astype(np.uint16)
    rows, before = _periodic(level, period)
    expected_rows, expected_before = _sorted(series, level)
    assert rows.dtype == expected_rows.dtype
    assert before.dtype == expected_before.dtype
    assert np.array_equal(rows, expected_rows)
    assert np.array_equal(before, expected_before)
