"""Market impact that fades: taker fills against synthetic depth push the venue mid, and each
push halves every half-life. Kept in log terms, so pushes up and down cancel exactly.

A push at time t counts from the first tick after t: the book a fill walked was the one standing
at the tick, and the next tick's book is rebuilt around the pushed mid.
"""

import math
from bisect import bisect_left

import numpy as np
from numpy.typing import NDArray


class Impact:
    def __init__(self, half_life_us: int) -> None:
        self.rate = math.log(2.0) / half_life_us
        self._times: list[int] = []
        self._values: list[float] = []  # log impact just after each push, pushes included
        self.pushes = 0  # how many so far: the engine memoises mids on it
        # the latest push's time and log impact, once there is one: what `before` reads for the
        # usual question, and the engine's mids read written out
        self.last_us = 0
        self.last_value = 0.0

    def push(self, moment_us: int, log_move: float) -> None:
        times = self._times
        if times and moment_us < times[-1]:
            raise ValueError("impact pushes must come in time order")
        # `_decayed` of the latest push, written out: a push per strategy order
        now = self._values[-1] * math.exp(-self.rate * (moment_us - times[-1])) if times else 0.0
        value = now + log_move
        times.append(moment_us)
        self._values.append(value)
        self.pushes += 1
        self.last_us, self.last_value = moment_us, value

    def before(self, moment_us: int) -> float:
        """Log impact at `moment_us` from every push strictly before it."""
        times = self._times
        if not times:
            return 0.0
        last = times[-1]
        if last < moment_us:  # the usual question: now, after the latest push
            return self._values[-1] * math.exp(-self.rate * (moment_us - last))
        return self._decayed(bisect_left(self._times, moment_us) - 1, moment_us)

    def along(self, moments_us: NDArray[np.int64]) -> NDArray[np.float64]:
        """`before` for each of `moments_us`, vectorised."""
        if not self._times:
            return np.zeros(moments_us.shape, dtype=np.float64)
        if moments_us.size and moments_us[0] > self._times[-1]:
            # the engine's case, every moment after the last push: no history to search
            elapsed = moments_us - self._times[-1]
            recent: NDArray[np.float64] = self._values[-1] * np.exp(-self.rate * elapsed)
            return recent
        times = np.asarray(self._times, dtype=np.int64)
        values = np.asarray(self._values, dtype=np.float64)
        last = np.searchsorted(times, moments_us, side="left") - 1
        known = last >= 0
        at = np.maximum(last, 0)
        decayed = values[at] * np.exp(-self.rate * (moments_us - times[at]))
        return np.where(known, decayed, 0.0)

    def _decayed(self, index: int, moment_us: int) -> float:
        if index < 0:
            return 0.0
        return self._values[index] * math.exp(-self.rate * (moment_us - self._times[index]))
