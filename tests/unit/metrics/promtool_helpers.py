"""promtool for the tests: a clear failure, never a skip, when it is missing."""

import subprocess
from pathlib import Path

import pytest

from pipelines.metrics.promtool import binary


def prometheus_binary(name: str) -> Path:
    try:
        return binary(name)
    except FileNotFoundError as error:
        pytest.fail(str(error))


def promtool(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [prometheus_binary("promtool"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    assert done.returncode == 0, f"promtool {' '.join(map(str, args))}:\n{done.stdout}{done.stderr}"
    return done.stdout
