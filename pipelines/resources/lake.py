"""The Parquet lake: data/lake/<schema>/<table>/scenario=<id>/part-0.parquet, written atomically."""

import hashlib
from collections.abc import Callable
from pathlib import Path

import polars as pl
from dagster import ConfigurableResource

from pipelines.project import LAKE_DIR
from pipelines.resources.atomic import write_atomically
from pipelines.resources.recent_frames import FileIdentity, RecentFrames, file_identity

PARTITION_FILE = "part-0.parquet"
# Enough for a 36-hour replay's signals and the tables read after them; a week's signals (over
# 2 GiB decoded) are read from disk.
RECENT = RecentFrames(budget_bytes=768 << 20)
# zstd's fastest level: a 36 h replay's lake is 8% bigger (99 MB, not 91) for a fifth less
# writing CPU (2.7 -> 2.1 s), on the cores the replay computes with.
ZSTD_LEVEL = 1


class MissingPartitionError(LookupError):
    pass


class Lake(ConfigurableResource):  # type: ignore[type-arg]
    """One Parquet file per table and scenario; `scenario_id` is stored as the first column so
    every file describes itself, and is removed on read so domain code never sees it."""

    root: str = str(LAKE_DIR)

    def path(self, schema: str, table: str, scenario_id: str) -> Path:
        return Path(self.root) / schema / table / f"scenario={scenario_id}" / PARTITION_FILE

    def table_glob(self, schema: str, table: str) -> str:
        return str(Path(self.root) / schema / table / "scenario=*" / PARTITION_FILE)

    def write(
        self,
        schema: str,
        table: str,
        scenario_id: str,
        frame: pl.DataFrame,
        before_publish: Callable[[], None] = lambda: None,
    ) -> Path:
        """The partition, replaced whole; not at all if `before_publish()` raises once it is
        written aside."""
        stored = frame.select(pl.lit(scenario_id).alias("scenario_id"), pl.all())
        path = self.path(schema, table, scenario_id)
        write_atomically(
            path,
            lambda tmp: stored.write_parquet(
                tmp, compression="zstd", compression_level=ZSTD_LEVEL, statistics=True
            ),
            before_publish,
        )
        RECENT.put(path, frame)
        return path

    def read(self, schema: str, table: str, scenario_id: str) -> pl.DataFrame:
        path = self.path(schema, table, scenario_id)
        if not path.exists():
            raise MissingPartitionError(
                f"{schema}.{table} has no data for scenario {scenario_id!r} ({path}); "
                "materialize its upstream assets first"
            )
        recent = RECENT.get(path)
        if recent is not None:
            return recent
        # not decoding the stored scenario_id at all: a string per row, millions in risk.signals
        frame = pl.scan_parquet(path).drop("scenario_id").collect()
        RECENT.put(path, frame)
        return frame

    def read_stored(self, schema: str, table: str, scenario_ids: list[str]) -> pl.DataFrame:
        """Several scenarios' partitions as stored, `scenario_id` column included."""
        return pl.read_parquet([self.path(schema, table, s) for s in scenario_ids])


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_hashed: dict[Path, tuple[FileIdentity, str]] = {}


def written_sha256(path: Path) -> str:
    """`file_sha256`, once per version of the file in this process: a step hashes each partition
    it writes, and the run's manifest lists them all again. Checking evidence reads the file
    every time (`file_sha256`)."""
    identity = file_identity(path)
    known = _hashed.get(path)
    if identity is not None and known is not None and known[0] == identity:
        return known[1]
    digest = file_sha256(path)
    if identity is not None:
        _hashed[path] = (identity, digest)
    return digest
