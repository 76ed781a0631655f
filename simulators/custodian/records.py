"""Rows the event loop collected (times as int64 microseconds) into typed frames."""

from collections.abc import Sequence
from typing import Any

import polars as pl

from simulators.time_grid import UTC_US


def frame_of(rows: Sequence[dict[str, Any]], schema: pl.Schema) -> pl.DataFrame:
    raw = pl.Schema(
        {name: pl.Int64() if dtype == UTC_US else dtype for name, dtype in schema.items()}
    )
    return pl.DataFrame(rows, schema=raw, orient="row").cast(schema)
