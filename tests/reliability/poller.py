"""A reader that queries the warehouse over and over while replays publish into it."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.reliability.replays import Home, warehouse_answers


@dataclass
class Polls:
    """What the reader saw: how often it read, failed queries, partitions seen half-published."""

    reads: int = 0
    failures: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.reads, "the reader never got to read"
        assert not self.failures, self.failures
        assert not self.partial, self.partial


@contextmanager
def polling(home: Home, complete_rows: dict[tuple[str, str], int]) -> Iterator[Polls]:
    """Query every view of the warehouse until the block ends. A partition's rows must be absent
    or exactly `complete_rows` (the uninterrupted replay's), never anything in between."""
    polls = Polls()
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                answers = warehouse_answers(home)
            except Exception as error:  # every query on every view must succeed: a finding
                polls.failures.append(f"{type(error).__name__}: {error}")
            else:
                polls.reads += 1
                polls.partial += [
                    f"{view} {sid}: {rows} rows, complete is {complete_rows[(view, sid)]}"
                    for view, counts in answers.items()
                    for sid, rows in counts.items()
                    if complete_rows.get((view, sid), rows) != rows
                ]
            stop.wait(0.25)

    reader = threading.Thread(target=poll, daemon=True)
    reader.start()
    try:
        yield polls
    finally:
        stop.set()
        reader.join(timeout=60)
