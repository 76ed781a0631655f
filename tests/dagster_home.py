"""A Dagster home set up as the project's own (dagster_home/dagster.yaml), so tests that replay
through an instance exercise the event log storage `make run` and `make ui` use."""

import shutil
from pathlib import Path

from pipelines.project import DAGSTER_HOME


def project_dagster_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(DAGSTER_HOME / "dagster.yaml", home / "dagster.yaml")
    return home
