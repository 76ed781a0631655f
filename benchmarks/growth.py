"""How the end-to-end run grows with the data: the reference replay cut to other durations, each
in a fresh process; time per simulated hour should stay flat (linear growth)."""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.table import Table

from benchmarks.child import ChildRun, cold_run
from benchmarks.goals import fmt
from scenarios.durations import parse_duration

# Within this factor of the 36 h run's time per simulated hour counts as linear.
LINEAR_TOLERANCE = 1.5
REFERENCE = "36h"


@dataclass(frozen=True)
class Point:
    duration: str
    run: ChildRun

    @property
    def hours(self) -> float:
        return parse_duration(self.duration) / timedelta(hours=1)

    @property
    def seconds_per_hour(self) -> float:
        return self.run.seconds / self.hours

    def as_dict(self) -> dict[str, Any]:
        return {"duration": self.duration, "hours": self.hours, **self.run.as_dict()}


def derived_scenario(reference: Path, duration: str, folder: Path) -> Path:
    """The reference scenario file with `market.duration` (and the id, which names the file)
    changed; everything else, the injection included, as it is."""
    text = reference.read_text(encoding="utf-8")
    old_id = re.search(r"^id: (\S+)$", text, re.MULTILINE)
    if old_id is None:
        raise ValueError(f"{reference} has no top-level id")
    new_id = old_id.group(1).replace(REFERENCE, duration)
    text = text.replace(f"id: {old_id.group(1)}", f"id: {new_id}", 1)
    text, count = re.subn(r"^(\s+duration:) \S+$", rf"\1 {duration}", text, flags=re.MULTILINE)
    if count != 1:
        raise ValueError(f"{reference}: expected one market.duration, found {count}")
    path = folder / f"{new_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def grow(reference: Path, durations: list[str], folder: Path) -> list[Point]:
    points = []
    for duration in durations:
        scenario = derived_scenario(reference, duration, folder)
        points.append(Point(duration, cold_run(scenario, folder / f"data-{duration}")))
    return points


def growth_ratio(points: list[Point]) -> tuple[str, float] | None:
    """(the longest duration, its time per simulated hour over the 36 h run's), if measured."""
    by_duration = {p.duration: p for p in points}
    longest = max(points, key=lambda p: p.hours)
    if REFERENCE not in by_duration or longest.duration == REFERENCE:
        return None
    return longest.duration, longest.seconds_per_hour / by_duration[REFERENCE].seconds_per_hour


def verdict(points: list[Point]) -> str:
    measured = growth_ratio(points)
    if measured is None:
        return "not judged (needs the 36 h point and a longer one; --quick skips 7 d)"
    longest, ratio = measured
    shape = "linear" if ratio <= LINEAR_TOLERANCE else "worse than linear"
    return f"{shape} ({longest}: {ratio:.2f}x the 36 h time per simulated hour)"


def growth_table(points: list[Point]) -> Table:
    table = Table(title="growth: end-to-end `riskproof run`, cold process, per data duration")
    for column in ("data", "wall time", "per hour of data", "peak memory (max RSS)", "exit"):
        table.add_column(column, justify="right")
    for p in points:
        table.add_row(
            p.duration,
            fmt(p.run.seconds, "s"),
            fmt(p.seconds_per_hour, "s"),
            fmt(p.run.max_rss_bytes, "B"),
            str(p.run.exit_code),
        )
    return table
