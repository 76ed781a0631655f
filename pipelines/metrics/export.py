"""Read a run's tables from the lake and write its OpenMetrics file (the only I/O here)."""

from datetime import timedelta
from pathlib import Path

import polars as pl

from pipelines.audit.ground_truth_export import write_text
from pipelines.metrics.openmetrics import DEFAULT_STEP, TABLES, run_metrics
from pipelines.resources.lake import Lake


def read_run(lake_dir: Path, scenario_id: str) -> dict[str, pl.DataFrame]:
    lake = Lake(root=str(lake_dir))
    tables = {}
    for name in TABLES:
        schema, table = name.split(".")
        tables[name] = lake.read(schema, table, scenario_id)
    return tables


def export_metrics(data_dir: Path, scenario_id: str, step: timedelta = DEFAULT_STEP) -> Path:
    """data/exports/metrics/<scenario>.om; MissingPartitionError if the run is not in the lake."""
    text = run_metrics(read_run(data_dir / "lake", scenario_id), scenario_id, step)
    path = data_dir / "exports" / "metrics" / f"{scenario_id}.om"
    write_text(path, text)
    return path
