"""`riskproof export metrics SCENARIO...`: the runs as timestamped OpenMetrics files."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import click

from pipelines.audit.reading import stored_scenarios
from pipelines.cli_output import console, errors, rel
from pipelines.resources.lake import MissingPartitionError


@click.command("metrics")
@click.argument("scenario_ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every run in the lake.")
@click.option("--step", default=60, show_default=True, help="Seconds between samples.")
@click.option(
    "--tsdb",
    is_flag=True,
    help="Also backfill them with promtool into a fresh exports/tsdb (what deploy/ serves).",
)
@click.pass_obj
def metrics(
    data_dir: Path, scenario_ids: tuple[str, ...], every: bool, step: int, tsdb: bool
) -> None:
    """Each run's Prometheus metrics at the replay's own times, to exports/metrics/<id>.om;
    backfill with `promtool tsdb create-blocks-from openmetrics FILE DIR` (dashboards/README.md)."""
    from pipelines.metrics.export import export_metrics

    ids = list(scenario_ids)
    if every:
        ids = stored_scenarios(data_dir / "lake", "audit.timeline")
    if not ids:
        errors.print("[red]error[/] name a scenario (or --all) that `riskproof run` replayed")
        sys.exit(1)
    paths = []
    for scenario_id in ids:
        try:
            paths.append(export_metrics(data_dir, scenario_id, timedelta(seconds=step)))
        except (MissingPartitionError, ValueError) as error:
            errors.print(f"[red]error[/] {scenario_id}: {error}", highlight=False)
            sys.exit(1)
        console.print(f"  metrics  {rel(paths[-1])}", highlight=False)
    if tsdb:
        _backfill(paths, data_dir / "exports" / "tsdb")


def _backfill(paths: list[Path], tsdb: Path) -> None:
    from pipelines.metrics.backfill import backfill

    try:
        blocks = backfill(paths, tsdb)
    except FileNotFoundError as error:
        errors.print(f"[red]error[/] {error}", highlight=False)
        sys.exit(1)
    except subprocess.CalledProcessError as error:
        errors.print(f"[red]error[/] promtool: {error.stderr}", highlight=False)
        sys.exit(1)
    console.print(f"  tsdb     {rel(tsdb)} ({len(blocks)} block(s))", highlight=False)
