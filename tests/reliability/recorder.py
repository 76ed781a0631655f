"""What the reliability tests did, counted as they do it, for the suite's closing summary line.

Tests call `record(...)` with what they actually observed; `summary_line()` is printed by the
`pytest_terminal_summary` hook in tests/conftest.py. Nothing here is a constant: a count that no
test fed stays at zero, and a line appears only when some reliability test ran.
"""

from collections import Counter

# The order and wording of the summary line; the keys tests record under.
FIELDS = (
    ("inputs_fuzzed", "inputs fuzzed"),
    ("sigkills_survived", "SIGKILLs survived"),
    ("concurrent_runs", "concurrent runs"),
    ("tracebacks", "tracebacks"),
    ("half_written_partitions", "half-written partitions"),
    ("hash_mismatches", "hash mismatches on rerun"),
)
KEYS = frozenset(key for key, _ in FIELDS)

_counts: Counter[str] = Counter()
_touched = False


def record(key: str, count: int = 1) -> None:
    """Add `count` to `key`; recording zero still marks the suite as having checked it."""
    global _touched
    if key not in KEYS:
        raise KeyError(f"unknown reliability count {key!r}; known: {', '.join(sorted(KEYS))}")
    _touched = True
    _counts[key] += count


def summary_line() -> str | None:
    """`reliability: 1234 inputs fuzzed, 12 SIGKILLs survived, ...`, or None if nothing ran."""
    if not _touched:
        return None
    return "reliability: " + ", ".join(f"{_counts[key]} {label}" for key, label in FIELDS)


def snapshot() -> dict[str, object]:
    """The counts so far, to hand from a pytest-xdist worker to the controller."""
    return {"touched": _touched, "counts": dict(_counts)}


def merge(snapshot: dict[str, object] | None) -> None:
    """Add a worker's `snapshot()` to this process's counts."""
    global _touched
    if not snapshot or not snapshot["touched"]:
        return
    _touched = True
    counts = snapshot["counts"]
    assert isinstance(counts, dict)
    _counts.update(counts)
