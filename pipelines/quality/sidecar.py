"""The great_expectations suite in a sidecar process, warmed up while the replay simulates.

Importing great_expectations costs about 6 s on 2 cores, as much as the rest of a 36-hour
replay; validating the tick table takes under half a second. A spawned process pays the import
while this one builds the market and runs the venues, then validates when the replay reaches the
gate: the gate stays where it was (before prod.market_ticks is written), its import leaves the
critical path. One sidecar per process, reused by every run the process replays.
"""

import atexit
import multiprocessing
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import polars as pl

from pipelines.quality.ticks_suite import SuiteOutcome, validate_market_ticks


class QualitySidecarError(RuntimeError):
    pass


class Sidecar:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        # daemon: it never outlives the replay, whatever way the replay ends
        self._process: BaseProcess = context.Process(
            target=_serve, args=(child,), name="riskproof-quality", daemon=True
        )
        self._process.start()
        child.close()

    def validate_market_ticks(self, ticks: pl.DataFrame, pairs: list[str]) -> SuiteOutcome:
        try:
            self._connection.send((ticks, pairs))
            reply: SuiteOutcome | str = self._connection.recv()
        except (EOFError, OSError) as error:
            raise QualitySidecarError(
                f"the great_expectations sidecar stopped (exit code {self._process.exitcode})"
            ) from error
        if isinstance(reply, str):
            raise QualitySidecarError(f"the great_expectations suite failed: {reply}")
        return reply

    def close(self) -> None:
        self._connection.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()


def _serve(connection: Connection) -> None:
    import great_expectations  # noqa: F401  the point of the sidecar: import while the parent works

    while True:
        try:
            ticks, pairs = connection.recv()
        except EOFError:
            return
        try:
            connection.send(validate_market_ticks(ticks, pairs))
        except Exception as error:  # the parent names it; a traceback here would be lost
            connection.send(f"{type(error).__name__}: {error}")


_lock = threading.Lock()
_sidecar: Sidecar | None = None


def warm_up() -> None:
    """Start this process's sidecar if it is not running yet."""
    global _sidecar
    with _lock:
        if _sidecar is None:
            _sidecar = Sidecar()
            atexit.register(_sidecar.close)


def validate(ticks: pl.DataFrame, pairs: list[str]) -> SuiteOutcome:
    warm_up()
    assert _sidecar is not None
    return _sidecar.validate_market_ticks(ticks, pairs)
