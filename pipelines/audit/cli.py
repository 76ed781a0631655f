"""The judge's commands: `explain`, `coverage`, `export ground-truth`, `export otlp`."""

import json
import sys
from datetime import timedelta
from pathlib import Path

import click
import polars as pl
from rich.table import Table

from correlator.coverage import coverage_summary
from correlator.otlp import to_otlp
from pipelines.audit.ground_truth_export import export_ground_truth, write_text
from pipelines.audit.reading import stored_scenarios
from pipelines.cli_output import console, errors, rel
from pipelines.resources.lake import Lake, MissingPartitionError
from scenarios import ScenarioError
from scenarios.durations import parse_duration

CELL = {True: "yes", False: "no", None: "-"}


def _duration(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _stored(data_dir: Path, table: str, scenario_id: str) -> pl.DataFrame:
    """One run's table from the lake, or exit 1 naming the run to make first."""
    schema, name = table.split(".")
    try:
        return Lake(root=str(data_dir / "lake")).read(schema, name, scenario_id)
    except MissingPartitionError:
        errors.print(
            f"[red]error[/] no {table} for scenario {scenario_id!r} in {rel(data_dir / 'lake')}: "
            f"run `riskproof run {scenario_id}` first",
            highlight=False,
        )
        sys.exit(1)


@click.command()
@click.argument("scenario_id")
@click.option("--window", default="5m", show_default=True, help="Timeline span around detection.")
@click.pass_obj
def explain(data_dir: Path, scenario_id: str, window: str) -> None:
    """Print the causal chains of a run (injection → onset → prod → signal → alert, with the
    correlation between cause and signal) and the timeline around detection."""
    from pipelines.audit.explain import render_explanation

    chains = _stored(data_dir, "audit.causation_chains", scenario_id)
    timeline = _stored(data_dir, "audit.timeline", scenario_id)
    render_explanation(chains, timeline, _duration(window), console)


@click.command()
@click.pass_obj
def coverage(data_dir: Path) -> None:
    """What the runs in the lake tested and validated, by risk scenario, rule and injection kind;
    rules and kinds nothing tested are listed last. Also written to exports/coverage.csv."""
    lake_dir = data_dir / "lake"
    ids = stored_scenarios(lake_dir, "audit.coverage")
    if not ids:
        errors.print(f"[red]error[/] no audit.coverage in {rel(lake_dir)}: `riskproof run` first")
        sys.exit(1)
    rows = Lake(root=str(lake_dir)).read_stored("audit", "coverage", ids)
    summary = coverage_summary(rows, rows.get_column("rule").unique().to_list())
    console.print(_coverage_table(summary))
    path = data_dir / "exports" / "coverage.csv"
    write_text(path, summary.write_csv())
    console.print(f"  coverage  {rel(path)}")


def _coverage_table(summary: pl.DataFrame) -> Table:
    table = Table(title="riskproof coverage", header_style="bold")
    for column in summary.columns:
        table.add_column(column)
    for row in summary.iter_rows():
        table.add_row(*(CELL.get(v, str(v)) if isinstance(v, bool | None) else str(v) for v in row))
    return table


@click.group("export")
def export_group() -> None:
    """Write evidence files under exports/."""


@export_group.command("ground-truth")
@click.option("--scenario", "scenario_ids", multiple=True, help="Only these runs (default: all).")
@click.option("--points", default=41, show_default=True, help="Thresholds per rule in the sweep.")
@click.pass_obj
def ground_truth(data_dir: Path, scenario_ids: tuple[str, ...], points: int) -> None:
    """Labelled datasets for threshold tuning: labels.parquet (truth beside the monitor's signal
    per evaluation) and sweep.parquet (precision, recall, range-based scores, latency per
    threshold), documented in their README.md."""
    try:
        done = export_ground_truth(data_dir, list(scenario_ids), points)
    except (LookupError, ScenarioError, MissingPartitionError) as error:
        errors.print(f"[red]error[/] {error}", highlight=False)
        sys.exit(1)
    console.print(
        f"ground truth from {len(done.scenarios)} run(s): {done.labels} labels, "
        f"{done.sweep} sweep rows\n  {rel(done.directory)}/{{labels,sweep}}.parquet, README.md",
        highlight=False,
    )


@export_group.command("otlp")
@click.argument("scenario_id")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_obj
def otlp(data_dir: Path, scenario_id: str, output: Path | None) -> None:
    """audit.timeline of a run as OpenTelemetry spans (OTLP/JSON), for any trace viewer."""
    timeline = _stored(data_dir, "audit.timeline", scenario_id)
    path = output or data_dir / "exports" / "otlp" / f"{scenario_id}.json"
    text = json.dumps(to_otlp(timeline, scenario_id), indent=1, ensure_ascii=False)
    write_text(path, text + "\n")
    console.print(f"{timeline.height} spans  {rel(path)}", highlight=False)
