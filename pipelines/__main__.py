"""`riskproof` (and `python -m pipelines`): the CLI, started so that a replay starts sooner and
ends as soon as its work is done.

`riskproof run` needs the great_expectations sidecar, whose import takes seconds; started here,
before the CLI imports Dagster and the stages, the two imports overlap instead of queueing.
"""

import os
import sys

from pipelines.startup import pause_collector


def main() -> None:
    replaying = "run" in sys.argv[1:]
    if replaying:
        pause_collector()  # resumed once the job is built (pipelines.runner.replay)
        from pipelines.quality import sidecar

        sidecar.warm_up()
    from pipelines.cli import main as cli

    try:
        cli()
    except SystemExit as done:
        if replaying:
            _exit_at_once(done.code)
        raise


def _exit_at_once(code: object) -> None:
    """End a replay without the interpreter's teardown, which frees every object of a run's
    heap one by one: a second after a 36 h replay, with nothing left to do. Everything the run
    wrote is already closed (lake files fsynced, the run's Dagster events committed), so only
    the terminal's buffers need flushing."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


if __name__ == "__main__":
    main()
