"""The CLI's two consoles and its plain-line helpers."""

from pathlib import Path

from rich.console import Console

# Piped output (CI logs, `| tee`) would otherwise be cut to 80 columns and truncate the scorecard.
console = Console(width=None if Console().is_terminal else 150)
errors = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 150)


def say(line: str) -> None:
    """One plain line, never wrapped or styled: paths and symbols stay intact and greppable."""
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
