"""The cyclic garbage collector, off while a replay's process starts.

Starting a replay imports Dagster, SQLAlchemy, Polars and the stages and builds the job: about
a million objects that live as long as the process. Each allocation burst of that start sets off
collections that walk all of them again, a fifth of the start's time (0.3-0.9 s of CPU on 2
cores). So the collector waits until the job is built; then everything alive goes to the
permanent generation (`gc.freeze`), where the replay's own collections never walk it again.
The great_expectations sidecar's import is paused the same way.
"""

import gc

_paused_here = False
_started = False


def pause_collector() -> None:
    """From a process's first line, before the heavy imports. Once per process: a worker that
    replays a second scenario has nothing left to import, and freezing again would keep the
    first run's garbage for good."""
    global _paused_here
    if not _started and gc.isenabled():
        gc.disable()
        _paused_here = True


def resume_collector() -> None:
    """Once the job is built. Only undoes `pause_collector` in this process, so a caller that
    never paused it (a test invoking the CLI in-process) keeps its collector as it was."""
    global _paused_here, _started
    if _paused_here:
        gc.freeze()
        gc.enable()
        _paused_here = False
        _started = True
