"""The property every door must keep, as one assertion the fuzz tests share."""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tests.reliability.recorder import record

T = TypeVar("T")


def at_the_door(
    call: Callable[[], T], clear: tuple[type[Exception], ...], *names: str
) -> T | Exception:
    """`call()`'s result, or the clear error it raised, which must say every one of `names` (a
    file, a source and symbol). Any other exception is a traceback leaking out of internals:
    counted, and raised."""
    record("inputs_fuzzed")
    try:
        return call()
    except clear as error:
        if not all(name in str(error) for name in names):
            record("tracebacks")
            raise AssertionError(f"error does not name {names}: {error}") from error
        return error
    except Exception:
        record("tracebacks")
        raise


def assert_only_complete_files(root: Path, complete: Callable[[Path], bool]) -> None:
    """Every file under `root` is complete and re-readable (`complete`); a leftover `.tmp` from
    an atomic write is the one exception readers ignore, but a finished write leaves none."""
    broken = [p for p in sorted(root.rglob("*")) if p.is_file() and not complete(p)]
    record("half_written_partitions", len(broken))
    assert not broken, f"half-written or stray files: {broken}"
