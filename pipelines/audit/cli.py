"""The judge's commands: `explain`, `coverage`, `export ground-truth`, `export otlp`."""

import json
import sys
from datetime import timedelta
from pathlib import Path

import click
import polars as pl
from rich.table import Table

from correlator.coverage import coverage_summary
from correlator.coverage_matrix import coverage_gaps, coverage_matrix
from correlator.otlp import to_otlp
from pipelines.audit.ground_truth_export import export_ground_truth, write_text
from pipelines.audit.reading import stored_scenarios
from pipelines.cli_output import console, errors, rel
from pipelines.resources.lake import Lake, MissingPartitionError
from risk_monitor import RULE_NAMES
from scenarios import ScenarioError
from scenarios.durations import parse_duration
from scenarios.injections import KINDS


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
    summary = coverage_summary(rows, RULE_NAMES)
    matrix = coverage_matrix(rows, RULE_NAMES, KINDS)
    console.print(_matrix_table(matrix, len(ids)))
    console.print(
        "  cell: severities validated (L M H C); lower-case with ! = tested and failed; "
        "empty = untested",
        highlight=False,
    )
    gaps = coverage_gaps(rows, RULE_NAMES, KINDS)
    console.print(f"[bold]Gaps ({len(gaps)}):[/]" if gaps else "[bold green]No gaps.[/]")
    for gap in gaps:
        console.print(f"  - {gap}", highlight=False)
    path = data_dir / "exports" / "coverage.csv"
    write_text(path, summary.write_csv())
    matrix_path = data_dir / "exports" / "coverage_matrix.csv"
    write_text(matrix_path, matrix.write_csv())
    console.print(f"  coverage  {rel(path)}, {rel(matrix_path)}")


def _matrix_table(matrix: pl.DataFrame, runs: int) -> Table:
    table = Table(
        title=f"riskproof coverage: rules x injection kinds ({runs} run(s))", header_style="bold"
    )
    table.add_column("injection kind", no_wrap=True)
    rules = matrix["rule"].to_list()
    for rule in rules:
        table.add_column(rule.replace("_", " "), justify="center", overflow="fold")
    for kind in matrix.columns[1:]:
        table.add_row(kind, *(cell or "" for cell in matrix[kind].to_list()))
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
