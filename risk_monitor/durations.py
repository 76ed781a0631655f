"""Durations as written in limits files: a positive whole number and a unit, e.g. "1s", "24h".

risk_monitor imports nothing of ours, so it carries its own tiny parser.
"""

import re
from datetime import timedelta

_UNITS = {
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
}
_DURATION = re.compile(r"(?P<amount>\d{1,18})(?P<unit>ms|s|m|h|d)", re.ASCII)
EXPECTED = "a duration like '1s', '15m', '24h' or '2d'"
# Beyond any window a limit could mean, and far inside timedelta's range (no OverflowError).
MAX = timedelta(days=36_500)


def parse_duration(text: str) -> timedelta:
    """Parse "<positive integer><ms|s|m|h|d>"; raise ValueError saying what was expected."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"expected {EXPECTED}, got {text!r}")
    amount, unit = int(match["amount"]), _UNITS[match["unit"]]
    if amount > MAX // unit:
        raise ValueError(f"must be at most {MAX.days} days, got {text!r}")
    duration = amount * unit
    if duration <= timedelta(0):
        raise ValueError(f"must be positive, got {text!r}")
    return duration
