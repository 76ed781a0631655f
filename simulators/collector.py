"""The cyclic garbage collector, paused while a simulation appends millions of rows.

The engines build their tables as lists of tuples of numbers and strings: nothing in them can
form a cycle, yet every full collection walks all of them again. Over a 36-hour replay that was
a quarter of the co-simulation's time. Reference counting still frees everything as usual; the
collector runs once the rows are frames.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
