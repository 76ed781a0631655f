"""The great_expectations suite in a sidecar process, warmed up while the replay simulates.

Importing great_expectations costs about 6 s on 2 cores, as much as the rest of a 36-hour
replay; validating the tick table takes under half a second. A child process pays the import
while this one builds the market and runs the venues, then validates when the replay reaches the
gate: the gate stays where it was (before prod.market_ticks is written), its import leaves the
critical path. One sidecar per process, reused by every run the process replays.

The child (pipelines.quality.suite_server) is a plain `python -m` over pipes: it needs no
multiprocessing machinery, and it ends by itself when its parent goes, however the parent ends,
because its input closes.
"""

import atexit
import contextlib
import json
import subprocess
import sys
import tempfile
import threading

import polars as pl

from pipelines.quality.ticks_suite import SuiteOutcome
from simulators.schemas import MARKET_TICKS


class QualitySidecarError(RuntimeError):
    pass


class Sidecar:
    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.quality.suite_server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def validate_market_ticks(self, ticks: pl.DataFrame, pairs: list[str]) -> SuiteOutcome:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        # The table goes through a file the child maps, not through the pipe: pushing a 36 h
        # replay's ~40 MB through a 64 kB pipe, with a copy or two more on each side, cost both
        # processes ~120-150 ms of CPU; writing the file and mapping it costs ~30 ms.
        with tempfile.NamedTemporaryFile(prefix="market_ticks-", suffix=".arrow") as table:
            ticks.write_ipc(table.name)
            header = {"pairs": pairs, "columns": MARKET_TICKS.names(), "path": table.name}
            try:
                self._process.stdin.write(json.dumps(header).encode() + b"\n")
                self._process.stdin.flush()
                reply = json.loads(self._process.stdout.readline() or "null")
            except (BrokenPipeError, json.JSONDecodeError) as error:
                raise QualitySidecarError(self._stopped()) from error
        if reply is None:
            raise QualitySidecarError(self._stopped())
        if "error" in reply:
            raise QualitySidecarError(f"the great_expectations suite failed: {reply['error']}")
        return SuiteOutcome(reply["success"], reply["evaluated"], reply["failures"])

    def close(self) -> None:
        self.retire()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()

    def retire(self) -> None:
        """Let it exit once it reads the end of its input, without waiting: a process that has
        imported great_expectations takes a second or more to shut down."""
        if self._process.stdin is not None:
            # a request to a child that died is still buffered: closing tries it once more (and
            # closes the pipe all the same)
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()

    def kill(self) -> None:
        self._process.kill()
        self._process.wait()

    def _stopped(self) -> str:
        return f"the great_expectations sidecar stopped (exit code {self._process.poll()})"


_lock = threading.Lock()
_sidecar: Sidecar | None = None


def warm_up() -> None:
    """Start this process's sidecar if it is not running yet."""
    global _sidecar
    with _lock:
        if _sidecar is None:
            _sidecar = Sidecar()
            atexit.register(_sidecar.close)


def stop() -> None:
    """Stop this process's sidecar, if any, at once: the process will validate nothing (its
    replays run in worker processes, each with a sidecar of its own)."""
    global _sidecar
    with _lock:
        if _sidecar is not None:
            _sidecar.kill()
            atexit.unregister(_sidecar.close)
            _sidecar = None


def validate(ticks: pl.DataFrame, pairs: list[str]) -> SuiteOutcome:
    """Validate with this process's sidecar, which then exits: a replay validates one tick
    table, and great_expectations keeps what it allocated for it (~150 MB over the sidecar's
    idle size on a 36 h replay) beside the replay's memory peak, which comes after. The next
    run's resources start a new one (`QualityGate`), so its import still overlaps a replay."""
    global _sidecar
    warm_up()
    with _lock:
        retiring, _sidecar = _sidecar, None
    assert retiring is not None
    atexit.unregister(retiring.close)
    try:
        return retiring.validate_market_ticks(ticks, pairs)
    finally:
        retiring.retire()
