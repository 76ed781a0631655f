"""Random draws one at a time, drawn from the generator in blocks: the engine needs one number
per order, and a numpy call per number would cost more than the matching. The sequence depends
only on the generator's seed, never on how the draws are grouped into calls downstream."""

from collections.abc import Callable, Iterator
from itertools import chain

import numpy as np
from numpy.typing import NDArray

BLOCK = 1024


class Draws:
    def __init__(self, draw: Callable[[int], NDArray[np.generic]]) -> None:
        # The chain's own `__next__`: a draw is a C call, and Python runs once a block.
        self.next: Callable[[], float] = chain.from_iterable(_blocks(draw)).__next__


def _blocks(draw: Callable[[int], NDArray[np.generic]]) -> Iterator[list[float]]:
    """Blocks of draws as floats, each drawn only once the one before is used up."""
    while True:
        yield np.asarray(draw(BLOCK), dtype=np.float64).tolist()
