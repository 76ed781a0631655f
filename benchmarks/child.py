"""A `riskproof run` in a new process: wall time and the child's own peak memory."""

import json
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
    the warehouse and the scorecard. Peak memory is the child's own max RSS (benchmarks.peak_rss
    explains why it is measured from a small shim)."""
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryFile() as log:
        result = Path(home) / "peak.json"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "benchmarks.peak_rss", str(result), sys.executable, "-m"]
            + ["pipelines.cli", "--data-dir", str(data_dir), "run", str(scenario_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={"DAGSTER_HOME": home, "PATH": "/usr/bin:/bin"},
            check=True,
        )
        seconds = time.perf_counter() - started
        measured = json.loads(result.read_text(encoding="utf-8"))
        code = measured["exit_code"]
        if code not in FINISHED:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"riskproof run {scenario_file.name} exited {code}:\n{tail}")
    return ChildRun(scenario_file.stem, seconds, measured["max_rss_bytes"], code)
