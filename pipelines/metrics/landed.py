"""What a replay in progress has written so far, and the state its metrics say at the run's end.

A lake partition counts only if written since the replay began: the same data dir still holds
the previous run of the scenario until this one overwrites it, table by table.
"""

from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

import polars as pl

from pipelines.metrics.definitions import MetricSpec
from pipelines.metrics.grid import TS, VALUE
from pipelines.resources.lake import Lake


class NotLanded(KeyError):
    """A table this run has not written yet."""


class LandedTables(Mapping[str, pl.DataFrame]):
    """ "<schema>.<table>" → the scenario's partition, if written at or after `since_ns`."""

    def __init__(self, lake_dir: Path, scenario_id: str, since_ns: int) -> None:
        self.lake = Lake(root=str(lake_dir))
        self.scenario_id = scenario_id
        self.since_ns = since_ns
        self._read: dict[str, tuple[int, pl.DataFrame]] = {}

    def _written_ns(self, name: str) -> int | None:
        schema, table = name.split(".")
        try:
            written = self.lake.path(schema, table, self.scenario_id).stat().st_mtime_ns
        except FileNotFoundError:
            return None
        return written if written >= self.since_ns else None

    def __getitem__(self, name: str) -> pl.DataFrame:
        written = self._written_ns(name)
        if written is None:
            raise NotLanded(name)
        cached = self._read.get(name)
        if cached is None or cached[0] != written:
            schema, table = name.split(".")
            cached = (written, self.lake.read(schema, table, self.scenario_id))
            self._read[name] = cached
        return cached[1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._read)

    def __len__(self) -> int:
        return len(self._read)


def at_the_end(
    spec: MetricSpec, samples: pl.DataFrame, end: datetime
) -> list[tuple[list[str], float]]:
    """Each series' labels (in spec order) and last value inside the run's window [start, end):
    where the backfilled series of the same run ends, so live and exported numbers agree."""
    inside = samples.filter(pl.col(TS) < end)
    if inside.is_empty():
        return []
    last = inside.sort(TS).group_by(*spec.labels, maintain_order=True).last()
    rows = last.select(*spec.labels, VALUE).sort(*spec.labels).iter_rows()
    return [([str(v or "") for v in row[:-1]], float(row[-1])) for row in rows]
