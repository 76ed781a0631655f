"""Grid lookups count the rows visible at each time as a binary search does, on regular grids
(arithmetic) and irregular ones, rows on, between, before and after the grid's times."""

import numpy as np
import pytest

from risk_monitor.dense import newest_visible, step_on_grid

REGULAR = np.arange(2_000, dtype=np.int64) * 1_000_000 + 1_700_000_000_000_000


@pytest.mark.parametrize("rows", [0, 1, 30, 100, 5_000])
@pytest.mark.parametrize("regular", [True, False])
def test_step_on_grid_is_a_backward_search(rows: int, regular: bool) -> None:
    rng = np.random.default_rng(rows)
    times = REGULAR if regular else np.sort(rng.choice(REGULAR, 500, replace=False))
    span = (int(times[0]) - 5_000_000, int(times[-1]) + 5_000_000)
    available_at = rng.integers(*span, rows)
    on_grid = rng.random(rows) < 0.3
    available_at[on_grid] = rng.choice(times, int(on_grid.sum()))
    available_at.sort()
    values = rng.normal(size=rows)
    at = np.searchsorted(available_at, times, side="right") - 1
    value, seen = step_on_grid(times, available_at, values)
    assert np.array_equal(seen, at >= 0)
    assert np.array_equal(value[seen], values[at[at >= 0]])
    newest, count = newest_visible(times, available_at, available_at)
    assert np.array_equal(count, at + 1)
    assert np.array_equal(newest[seen], available_at[at[at >= 0]])


@pytest.mark.parametrize("rows", [1, 30, 100, 5_000])
@pytest.mark.parametrize("regular", [True, False])
def test_newest_visible_is_a_running_max_in_publication_order(rows: int, regular: bool) -> None:
    rng = np.random.default_rng(rows + 1)
    times = REGULAR if regular else np.sort(rng.choice(REGULAR, 500, replace=False))
    available_at = rng.integers(int(times[0]) - 5_000_000, int(times[-1]) + 5_000_000, rows)
    available_at[: rows // 3] = rng.choice(times, rows // 3)  # some on grid times, unsorted
    ts = available_at - rng.integers(0, 5_000_000, rows)
    order = np.argsort(available_at, kind="stable")
    count = np.searchsorted(available_at[order], times, side="right")
    # before any row, the newest is the first row published's ts
    expected = np.maximum.accumulate(ts[order])[np.maximum(count - 1, 0)]
    newest, visible = newest_visible(times, available_at, ts)
    assert np.array_equal(visible, count)
    assert np.array_equal(newest, expected)
