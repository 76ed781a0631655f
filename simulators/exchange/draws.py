"""Random draws one at a time, drawn from the generator in blocks: the engine needs one number
per order, and a numpy call per number would cost more than the matching. The sequence depends
only on the generator's seed, never on how the draws are grouped into calls downstream."""

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

BLOCK = 1024


class Draws:
    def __init__(self, draw: Callable[[int], NDArray[np.generic]]) -> None:
        self._draw = draw
        self._block: list[float] = []
        self._next = 0

    def next(self) -> float:
        if self._next == len(self._block):
            self._block = [float(x) for x in self._draw(BLOCK)]
            self._next = 0
        self._next += 1
        return self._block[self._next - 1]
