"""Exported OpenMetrics files → one fresh Prometheus data dir of blocks (promtool backfill)."""

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pipelines.metrics.promtool import binary

# One block per run instead of promtool's 2-hour default: a 48-hour replay stays a few blocks.
MAX_BLOCK = "720h"


def backfill(files: Sequence[Path], tsdb: Path) -> list[Path]:
    """Replace `tsdb` with the blocks of `files`; the block dirs. CalledProcessError names the
    file promtool refused; FileNotFoundError says how to get promtool."""
    promtool = binary("promtool")
    shutil.rmtree(tsdb, ignore_errors=True)
    tsdb.mkdir(parents=True)
    for path in files:
        subprocess.run(
            [promtool, "tsdb", "create-blocks-from", "openmetrics",
             f"--max-block-duration={MAX_BLOCK}", path, tsdb],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    # the Prometheus image runs as `nobody`, and writes its WAL and lock file next to the blocks
    for each in (tsdb, *tsdb.rglob("*")):
        each.chmod(0o777 if each.is_dir() else 0o666)
    return sorted(p for p in tsdb.iterdir() if (p / "meta.json").is_file())
