"""Scenario errors name the file, the field path and what was expected."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


class ScenarioError(ValueError):
    """Every problem found in one scenario file, so a user fixes them all in one pass."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [
            f"{self.source}: {p.path}: {p.message}" if p.path else f"{self.source}: {p.message}"
            for p in self.problems
        ]


def format_loc(loc: tuple[str | int, ...]) -> str:
    """('injections', 0, 'params', 'to') -> 'injections[0].params.to'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path
