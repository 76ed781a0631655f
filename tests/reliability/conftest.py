"""The uninterrupted, one-at-a-time replays every interrupted or concurrent one must match."""

import time
from dataclasses import dataclass

import pytest

from pipelines.provenance.manifest import manifest_path
from tests.reliability.replays import Home, partition_hashes, partition_rows, run_args


@dataclass(frozen=True)
class Reference:
    home: Home
    hashes: dict[str, dict[str, str]]  # scenario id -> lake path -> sha256
    rows: dict[tuple[str, str], int]  # (schema.table, scenario id) -> rows
    span_s: float  # how long the short_crash replay took, start to exit: where kills can land


@pytest.fixture(scope="session")
def sequential(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """short_crash, then brief_depeg, replayed one after the other by one `riskproof run`."""
    home = Home(tmp_path_factory.mktemp("sequential"))
    started = time.time()  # to aim kills across the replay, never asserted on
    home.run(*run_args("short_crash", "brief_depeg", workers=1))
    short_crash_done = manifest_path(home.lake, "short_crash").stat().st_mtime
    hashes = {s: partition_hashes(home.lake, s) for s in ("short_crash", "brief_depeg")}
    assert all(hashes.values())
    return Reference(home, hashes, partition_rows(home.lake), short_crash_done - started)
