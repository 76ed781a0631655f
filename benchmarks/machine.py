"""The machine a run was measured on, stored next to its figures."""

import os
import platform
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

import simulators


def machine() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": round(_ram_bytes() / 2**30, 1),
        "python": platform.python_version(),
        "polars": pl.__version__,
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
        # the bench's own process: its cold runs' children load the same build (make bench
        # builds it first) unless RISKPROOF_INTERPRETED is set for the whole run
        "simulators_core": simulators.CORE,
    }


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or "unknown"
    names = (line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    return next(names, platform.processor() or "unknown")


def _ram_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
