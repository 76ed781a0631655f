"""Where Prometheus' binaries are: $RISKPROOF_PROMETHEUS_BIN, else what `make test` unpacked
into .tools/prometheus (Debian's `prometheus` package), else PATH."""

import os
import shutil
from pathlib import Path

from pipelines.project import ROOT

TOOLS_BIN = ROOT / ".tools" / "prometheus" / "usr" / "bin"
MISSING = (
    "{name} not found: run `make .tools/prometheus/usr/bin/promtool` (downloads Debian's "
    "`prometheus` package with `apt-get download` and unpacks it into .tools/prometheus), or set "
    "RISKPROOF_PROMETHEUS_BIN to a directory holding promtool and prometheus"
)


def binary(name: str) -> Path:
    """promtool or prometheus; FileNotFoundError says how to get it."""
    for directory in (os.environ.get("RISKPROOF_PROMETHEUS_BIN"), str(TOOLS_BIN)):
        if directory and (Path(directory) / name).is_file():
            return Path(directory) / name
    found = shutil.which(name)
    if found:
        return Path(found)
    raise FileNotFoundError(MISSING.format(name=name))
