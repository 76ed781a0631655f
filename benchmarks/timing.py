"""Warm-up, repeats, median/min/max: the figures every benchmark reports."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Timing:
    name: str
    units: int
    unit: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def fastest(self) -> float:
        return min(self.seconds)

    @property
    def slowest(self) -> float:
        return max(self.seconds)

    @property
    def rate(self) -> float:
        """Units per second at the median time."""
        return self.units / self.median

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "units": self.units,
            "unit": self.unit,
            "repeats": len(self.seconds),
            "median_s": self.median,
            "min_s": self.fastest,
            "max_s": self.slowest,
            "per_second": self.rate,
        }


def measure(
    name: str, units: int, unit: str, work: Callable[[], object], repeats: int = 5, warmup: int = 1
) -> Timing:
    """Run `work` `warmup` times untimed, then `repeats` times timed."""
    for _ in range(warmup):
        work()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return Timing(name, units, unit, seconds)
