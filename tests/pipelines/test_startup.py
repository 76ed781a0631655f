"""The collector is paused while a replay's process starts, and only then: each case runs in a
new interpreter, since the collector is process-wide."""

import subprocess
import sys
import textwrap


def _in_new_process(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_a_paused_start_resumes_with_what_it_built_frozen() -> None:
    out = _in_new_process(
        """
        import gc
        from pipelines.startup import pause_collector, resume_collector
        pause_collector()
        paused = not gc.isenabled()
        built = [[i] for i in range(1000)]
        resume_collector()
        print(paused, gc.isenabled(), gc.get_freeze_count() >= 1000)
        """
    )
    assert out == "True True True"


def test_the_start_is_paused_once_per_process() -> None:
    out = _in_new_process(
        """
        import gc
        from pipelines.startup import pause_collector, resume_collector
        pause_collector()
        resume_collector()
        frozen = gc.get_freeze_count()
        pause_collector()  # a worker's second scenario
        print(gc.isenabled())
        resume_collector()
        print(gc.get_freeze_count() == frozen)
        """
    )
    assert out.split() == ["True", "True"]


def test_a_collector_this_module_never_paused_is_left_as_it_was() -> None:
    out = _in_new_process(
        """
        import gc
        from pipelines.startup import resume_collector
        gc.disable()  # the caller's own choice, e.g. a test harness
        resume_collector()
        print(gc.isenabled(), gc.get_freeze_count())
        """
    )
    assert out == "False 0"
