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
    def rate(self) -> float:
        return self.units / self.median

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "units": self.units,
            "unit": self.unit,
            "median_s": self.median,
            "min_s": min(self.seconds),
            "max_s": max(self.seconds),
            "per_second": self.rate,
        }


def measure(
    name: str, units: int, unit: str, work: Callable[[], object], repeats: int = 5, warmup: int = 1
) -> Timing:
    for _ in range(warmup):
        work()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return Timing(name, units, unit, seconds)
