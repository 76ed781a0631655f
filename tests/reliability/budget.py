"""How hard the reliability tests try: bounded in `make test`, long in `make fuzz`.

One switch, the RISKPROOF_FUZZ environment variable, which `make fuzz` sets: tests/conftest.py
loads the matching hypothesis profile, and the tests scale their example and kill counts here.
"""

import os

FUZZING = os.environ.get("RISKPROOF_FUZZ", "") not in ("", "0")
SCALE = 25  # how many times more examples `make fuzz` draws than `make test`


def examples(bounded: int) -> int:
    """A hypothesis max_examples: `bounded` in `make test`, SCALE times that in `make fuzz`."""
    return bounded * SCALE if FUZZING else bounded


def kills(bounded: int, long: int) -> int:
    """How many times the interruption test SIGKILLs a replay."""
    return long if FUZZING else bounded
