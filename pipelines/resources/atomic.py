"""Atomic file replacement: readers see the old file or the new one, never half of one."""

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def write_atomically(
    path: Path, write: Callable[[Path], None], before_publish: Callable[[], None] = lambda: None
) -> None:
    """Call `write(tmp)` on a sibling temporary path, fsync it, then rename it over `path`;
    `before_publish()` raising in between leaves `path` as it was.

    The temporary name does not end in the target's suffix, so globs such as `*.parquet` never
    pick up a half-written file, and a crash leaves only an ignorable `.tmp` behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        before_publish()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
