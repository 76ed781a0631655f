"""A headline figure against its goal and against a baseline measured in the same run (or a
labelled reference figure), and the summary table `make bench` ends with."""

from dataclasses import dataclass
from typing import Any

from rich.table import Table


@dataclass(frozen=True)
class Figure:
    name: str
    measured: float
    unit: str  # "s", "B" (bytes) or a rate such as "ticks/s"
    goal: float
    higher_is_better: bool
    baseline: str = "-"
    baseline_value: float | None = None
    stretch: float | None = None

    @property
    def met(self) -> bool:
        return self._reaches(self.goal)

    @property
    def stretch_met(self) -> bool | None:
        return None if self.stretch is None else self._reaches(self.stretch)

    @property
    def ratio(self) -> float | None:
        """How many times better than the baseline: > 1 is faster (or smaller)."""
        if not self.baseline_value or not self.measured:
            return None
        if self.higher_is_better:
            return self.measured / self.baseline_value
        return self.baseline_value / self.measured

    def _reaches(self, target: float) -> bool:
        return self.measured >= target if self.higher_is_better else self.measured <= target

    def goal_text(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        text = f"{sign} {fmt(self.goal, self.unit)}"
        return text if self.stretch is None else f"{text} (stretch {fmt(self.stretch, self.unit)})"

    def met_text(self) -> str:
        if not self.met:
            return "[red]no[/]"
        return "[green]yes, stretch too[/]" if self.stretch_met else "[green]yes[/]"

    def baseline_text(self) -> str:
        if self.baseline_value is None:
            return self.baseline
        return f"{self.baseline}: {fmt(self.baseline_value, self.unit)}"

    def ratio_text(self) -> str:
        return "-" if self.ratio is None else f"{self.ratio:,.2f}x"

    def as_dict(self) -> dict[str, Any]:
        return {
            "figure": self.name,
            "measured": self.measured,
            "unit": self.unit,
            "goal": self.goal,
            "goal_is_minimum": self.higher_is_better,
            "stretch": self.stretch,
            "met": self.met,
            "stretch_met": self.stretch_met,
            "baseline": self.baseline,
            "baseline_value": self.baseline_value,
            "ratio_vs_baseline": self.ratio,
        }


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:,.2f} s"
    if unit == "x":
        return f"{value:,.2f}x"
    if unit == "B":
        return f"{value / 2**30:,.2f} GiB"
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= scale:
            return f"{value / scale:,.2f} {prefix} {unit}"
    return f"{value:,.1f} {unit}"


def summary(figures: list[Figure]) -> Table:
    table = Table(title="summary: every figure against its goal and its baseline")
    for column in ("figure", "measured", "goal", "met?", "baseline", "ratio"):
        table.add_column(column, justify="left" if column in ("figure", "baseline") else "right")
    for f in figures:
        table.add_row(
            f.name,
            fmt(f.measured, f.unit),
            f.goal_text(),
            f.met_text(),
            f.baseline_text(),
            f.ratio_text(),
        )
    return table
