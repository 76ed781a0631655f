"""The sidecar's deferred modules load only when first touched, and then whole: checked in a new
interpreter, since imports are process-wide."""

import subprocess
import sys
import textwrap


def test_a_deferred_module_loads_when_first_read_and_works() -> None:
    code = """
        import sys
        from pipelines.quality.deferred_imports import defer_unused_imports
        defer_unused_imports()
        defer_unused_imports()  # once per process, however often called
        import scipy.stats
        print(type(sys.modules["scipy.stats"]).__name__)  # not loaded yet
        print(scipy.stats.norm.cdf(0.0), type(sys.modules["scipy.stats"]).__name__)
    """
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["_LazyModule", "0.5", "module"]
