"""API and feed latency: lognormal (a long right tail, never negative), capped by a timeout."""

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from simulators.time_grid import duration_us


@dataclass(frozen=True)
class Latency:
    """Delay between an event and the moment an API shows it."""

    median: timedelta
    sigma: float
    cap: timedelta

    def __post_init__(self) -> None:
        if self.median <= timedelta(0):
            raise ValueError(f"median latency must be positive, got {self.median}")
        if self.sigma < 0:
            raise ValueError(f"sigma must not be negative, got {self.sigma}")
        if self.cap < self.median:
            raise ValueError(f"cap {self.cap} must not be below the median {self.median}")

    def sample_us(self, rng: np.random.Generator, size: int) -> NDArray[np.int64]:
        """`size` latencies in whole microseconds, the resolution of our time columns."""
        micros = rng.lognormal(mean=math.log(duration_us(self.median)), sigma=self.sigma, size=size)
        capped = np.minimum(micros, duration_us(self.cap))
        return np.rint(capped).astype(np.int64)
