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
from pipelines.quality.ticks_suite import validate_market_ticks
from pipelines.startup import pause_collector, resume_collector

if TYPE_CHECKING:
    import pandas as pd


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

    # Mapped, not read: the frame's numeric columns are the file's pages, not a copy of them.
    # The pairs as a categorical: a few strings and a code per row. As strings, the suite's
    # table fingerprint hashed each of the million rows' pair, and every unexpected-rows
    # lookup took a copy of them: half of what it costs to validate a 36 h replay.
    table = pyarrow.ipc.open_file(pyarrow.memory_map(path)).read_all()
    ticks: pd.DataFrame = table.to_pandas(strings_to_categorical=True)
    return ticks


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    import_libraries()

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
