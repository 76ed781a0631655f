"""The two ways the monitor refuses to run: bad input tables, bad limits. Messages say where."""

from collections.abc import Sequence


class InputContractError(ValueError):
    """An input table breaks the prod API contract in `schemas.py`; the message names table and
    column (or the asset that cannot be priced)."""


class LimitsError(ValueError):
    """A limits file or mapping is invalid.

    `problems` holds every problem found, not just the first, each as
    "<source>: <field path>: <what is wrong>", so one edit-and-retry fixes them all.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))
