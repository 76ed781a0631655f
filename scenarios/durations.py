"""Durations as people write them in scenario files: `500ms`, `1s`, `15m`, `6h`, `2d`."""

import re
from datetime import timedelta

_PATTERN = re.compile(r"^(\d{1,18})(ms|s|m|h|d)$", re.ASCII)
_UNIT = {
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
}
EXPECTED = "a duration like 500ms, 30s, 15m, 6h or 2d"
# Longer than any replay or SLA could be; also keeps `start + duration` far from datetime's end.
MAX_DAYS = 36_500


def parse_duration(text: object) -> timedelta:
    """Parse `<integer><unit>`; anything else (negative, fractional, bare number) is an error."""
    if not isinstance(text, str):
        raise ValueError(f"expected {EXPECTED}, got {text!r}")
    match = _PATTERN.match(text.strip())
    if match is None:
        if text.strip().startswith("-"):
            raise ValueError(f"must not be negative: expected {EXPECTED}, got {text!r}")
        raise ValueError(f"expected {EXPECTED}, got {text!r}")
    count, unit = int(match.group(1)), match.group(2)
    if count * (_UNIT[unit] // _UNIT["ms"]) > MAX_DAYS * (_UNIT["d"] // _UNIT["ms"]):
        raise ValueError(f"must be at most {MAX_DAYS} days, got {text!r}")
    return count * _UNIT[unit]


def format_duration(value: timedelta) -> str:
    """The shortest exact spelling, so a parsed duration prints the way a person would write it."""
    micros = value // timedelta(microseconds=1)
    if micros == 0:
        return "0s"
    for unit in ("d", "h", "m", "s", "ms"):
        size = _UNIT[unit] // timedelta(microseconds=1)
        if micros % size == 0 and micros >= size:
            return f"{micros // size}{unit}"
    return f"{value.total_seconds()}s"
