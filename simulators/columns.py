"""Records kept as a Python list per column, and read into arrays once the run is over.

Appending to a list is a third of the cost of appending to a typed array (`array.append`
parses each value through a format string), and polars reads a list of Python numbers into a
column several times faster than numpy does (6-16 ns a value, numpy 25-40): so the busiest
records are lists, and their numbers reach numpy through polars.
"""

from collections.abc import Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray


def int64s(values: Sequence[int]) -> NDArray[np.int64]:
    """`values` as an int64 array (read-only: polars' own memory)."""
    return pl.Series(values, dtype=pl.Int64()).to_numpy()


def float64s(values: Sequence[float]) -> NDArray[np.float64]:
    """`values` as a float64 array (read-only: polars' own memory)."""
    return pl.Series(values, dtype=pl.Float64()).to_numpy()
