"""The sidecar process itself (`python -m pipelines.quality.suite_server`): imports
great_expectations, then validates each tick table its parent sends, until its input closes.

It reads the Arrow IPC bytes with pyarrow, which pandas imports anyway, and never imports Polars
or the project's schemas: loading Polars again here cost ~0.4 s of CPU and 30 MB, taken from the
replay's second core while it simulates.

The wire format: a JSON line (`pairs`, `columns`, and the `path` of the table as an Arrow IPC
file, which the parent removes once answered); a JSON line back (`success`, `evaluated`,
`failures`, or `error`).
"""

import json
import sys
from typing import IO, TYPE_CHECKING

from pipelines.quality.deferred_imports import defer_unused_imports
from pipelines.quality.ticks_suite import SuiteOutcome, validate_market_ticks
from pipelines.startup import pause_collector, resume_collector

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def import_libraries() -> None:
    """The point of the sidecar: importing great_expectations while the parent works."""
    pause_collector()  # a fifth of the import's CPU, taken from the parent's second core
    defer_unused_imports()
    import great_expectations  # noqa: F401
    import pyarrow.ipc  # noqa: F401

    resume_collector()


def read_ticks(path: str) -> "pd.DataFrame":
    """The tick table its parent wrote, as the suite validates it."""
    import pyarrow.ipc

    # mapped, not read: the frame's numeric columns are the file's pages, not a copy of them
    return _as_frame(pyarrow.ipc.open_file(pyarrow.memory_map(path)).read_all())


def _as_frame(table: "pa.Table") -> "pd.DataFrame":
    # The pairs as a categorical, a few strings and a small code per row: as strings, the
    # suite's table fingerprint hashed each row's pair, and SUMMARY results copied them per
    # expectation, half of what validating a 36 h replay cost.
    ticks: pd.DataFrame = table.to_pandas(strings_to_categorical=True)
    return ticks


def rehearse() -> SuiteOutcome:
    """The suite on a two-row table, before the parent sends one: a process's first validation
    imports pyarrow's pandas conversion and sets up what later ones reuse (~100 ms of CPU), and
    this one pays for it while the parent still simulates. Its outcome only matters to a test."""
    import pyarrow as pa

    pair = pa.array(["BTC/USD", "ETH/USD"])
    at = pa.array([0, 1], pa.timestamp("us", tz="UTC"))
    table = pa.table({"ts": at, "pair": pair, "price": [1.0, 2.0], "available_at": at})
    return validate_market_ticks(_as_frame(table), table.column_names, pair.to_pylist())


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    import_libraries()
    rehearse()

    while line := requests.readline():
        header = json.loads(line)
        try:
            ticks = read_ticks(header["path"])
            outcome = validate_market_ticks(ticks, header["columns"], header["pairs"])
            reply: dict[str, object] = {
                "success": outcome.success,
                "evaluated": outcome.evaluated,
                "failures": outcome.failures,
            }
        except Exception as error:  # the parent names it; a traceback here would be lost
            reply = {"error": f"{type(error).__name__}: {error}"}
        replies.write(json.dumps(reply).encode() + b"\n")
        replies.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
