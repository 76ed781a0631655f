"""Tables a run wrote or read lately, kept in memory for its later steps.

A replay writes risk.signals (7 M rows, half a GiB decoded) in one step and reads it back in two
more; decoding it from Parquet each time cost about as much as writing it. A frame is handed out
again only while its file is the very one written or read (same inode, size and modification
time: an atomic replace makes a new inode, so another process's rewrite is read from disk), and
only within a memory budget, the least recently used going first. The runner empties it after
each run: a worker's next scenario has no use for them.
"""

import os
import threading
from collections import OrderedDict
from pathlib import Path

import polars as pl

FileIdentity = tuple[int, int, int]  # inode, size, modification time (ns)


def file_identity(path: Path) -> FileIdentity | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


class RecentFrames:
    def __init__(self, budget_bytes: int) -> None:
        self._budget = budget_bytes
        self._used = 0
        self._frames: OrderedDict[Path, tuple[FileIdentity, pl.DataFrame, int]] = OrderedDict()
        self._lock = threading.Lock()  # tables of one step are written two at a time

    def put(self, path: Path, frame: pl.DataFrame) -> None:
        """`frame` as the file at `path` now holds it."""
        identity = file_identity(path)
        size = int(frame.estimated_size())
        with self._lock:
            self._drop(path)
            if identity is None or size > self._budget:
                return
            while self._used + size > self._budget:
                self._drop(next(iter(self._frames)))
            self._frames[path] = (identity, frame.clone(), size)
            self._used += size

    def get(self, path: Path) -> pl.DataFrame | None:
        """The frame put for `path`, if the file is still the one it came from. A clone: a caller
        changing its frame in place leaves the kept one as it was."""
        identity = file_identity(path)
        with self._lock:
            kept = self._frames.get(path)
            if kept is None:
                return None
            if kept[0] != identity:
                self._drop(path)
                return None
            self._frames.move_to_end(path)
            return kept[1].clone()

    def __len__(self) -> int:
        return len(self._frames)

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()
            self._used = 0

    def _drop(self, path: Path) -> None:
        kept = self._frames.pop(path, None)
        if kept is not None:
            self._used -= kept[2]
