"""A `riskproof run` in a new process: wall time and the child's own peak memory."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulators.compiled import INTERPRETED

DAGSTER_YAML = Path(__file__).parents[1] / "dagster_home" / "dagster.yaml"
OPEN_INSTANCE = "from dagster import DagsterInstance as I; I.get().get_runs(limit=1)"
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
        used_instance(Path(home))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "benchmarks.peak_rss", str(result), sys.executable, "-m"]
            + ["pipelines", "--data-dir", str(data_dir), "run", str(scenario_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=child_environment(Path(home)),
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


@dataclass(frozen=True)
class ColdRuns:
    """Timed cold runs of one scenario, after an untimed one."""

    runs: list[ChildRun]

    @property
    def median(self) -> ChildRun:
        """The run of median time (the upper one of an even count)."""
        return sorted(self.runs, key=lambda run: run.seconds)[len(self.runs) // 2]

    @property
    def seconds(self) -> list[float]:
        return [run.seconds for run in self.runs]

    @property
    def max_rss_bytes(self) -> int:
        return max(run.max_rss_bytes for run in self.runs)

    def spread(self) -> str:
        low, high = min(self.seconds), max(self.seconds)
        return f"median of {len(self.runs)} ({low:.2f}-{high:.2f} s)"


def cold_runs(scenario_file: Path, folder: Path, repeats: int, warmup: int = 1) -> ColdRuns:
    """`repeats` cold runs, each into its own data directory under `folder` (the last one's is
    `folder / "data"`), after `warmup` untimed ones: as every other figure, the first run pays
    once-per-install costs a user's runs do not (compiling the project's bytecode, reading the
    bundled candles into the page cache) and is not counted."""
    for n in range(warmup):
        cold_run(scenario_file, folder / f"warmup-{n}")
        shutil.rmtree(folder / f"warmup-{n}")
    runs = []
    for n in range(repeats):
        data = folder / ("data" if n == repeats - 1 else f"run-{n}")
        runs.append(cold_run(scenario_file, data))
        if data.name != "data":
            shutil.rmtree(data)
    return ColdRuns(runs)


def child_environment(home: Path) -> dict[str, str]:
    """A clean environment, but for the Dagster home and the choice of simulators core:
    `RISKPROOF_INTERPRETED=1 make bench` measures the interpreted one."""
    env = {"DAGSTER_HOME": str(home), "PATH": "/usr/bin:/bin"}
    if os.environ.get(INTERPRETED):
        env[INTERPRETED] = os.environ[INTERPRETED]
    return env


def used_instance(home: Path) -> None:
    """A Dagster instance as a user's is after their first run: the project's dagster.yaml and
    its databases created. Creating them takes seconds once per instance, never per replay, so
    it is done here, before the clock starts."""
    shutil.copy(DAGSTER_YAML, home / "dagster.yaml")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from dagster import DagsterInstance as I; I.get().get_runs(limit=1)",
        ],
        env=child_environment(home),
        check=True,
    )
