"""The end-to-end memory figure: the peak of what a run's whole process tree holds at once."""

import json
import subprocess
import sys
from pathlib import Path

MIB = 1 << 20
HOLD = "import sys, time; block = b'x' * (150 << 20); time.sleep(float(sys.argv[1]))"


def test_the_peak_counts_the_parent_and_its_child_together(tmp_path: Path) -> None:
    """Each holds 150 MiB, at the same time: a peak of one process alone would be ~150 MiB."""
    parent = (
        "import subprocess, sys; block = b'x' * (150 << 20); "
        f"subprocess.run([sys.executable, '-c', {HOLD!r}, '1.5'], check=True)"
    )
    result = tmp_path / "peak.json"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.peak_rss", str(result), sys.executable, "-c", parent],
        check=True,
    )
    measured = json.loads(result.read_text())
    assert measured["exit_code"] == 0
    assert measured["max_rss_bytes"] >= 300 * MIB


def test_the_command_exit_code_is_kept(tmp_path: Path) -> None:
    result = tmp_path / "peak.json"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.peak_rss", str(result), sys.executable, "-c", "exit(3)"],
        check=True,
    )
    assert json.loads(result.read_text())["exit_code"] == 3
