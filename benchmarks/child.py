"""A `riskproof run` in a new process: wall time and the child's own peak memory."""

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# `riskproof run` exits 1 when an expectation fails: the replay itself still ran to the end.
FINISHED = (0, 1)


@dataclass(frozen=True)
class ChildRun:
    scenario: str
    seconds: float
    max_rss_bytes: int
    exit_code: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "seconds": self.seconds,
            "max_rss_bytes": self.max_rss_bytes,
            "exit_code": self.exit_code,
        }


def cold_run(scenario_file: Path, data_dir: Path) -> ChildRun:
    """`riskproof run <file>` in a fresh interpreter: imports, Dagster, every stage, the lake,
    the warehouse and the scorecard. Peak memory is the child's max RSS from wait4, so one run's
    figure never carries another's (RUSAGE_CHILDREN is the maximum over every child so far)."""
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "--data-dir", str(data_dir), "run"]
            + [str(scenario_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={"DAGSTER_HOME": home, "PATH": "/usr/bin:/bin"},
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in FINISHED:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"riskproof run {scenario_file.name} exited {code}:\n{tail}")
    # ru_maxrss is in KiB on Linux
    return ChildRun(scenario_file.stem, seconds, usage.ru_maxrss * 1024, code)
