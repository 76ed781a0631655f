"""`riskproof report [SCENARIO ...|--all]`."""

import sys
from pathlib import Path

import click

from pipelines.audit.reading import stored_scenarios
from pipelines.cli_output import console, errors, rel
from pipelines.resources.lake import MissingPartitionError


@click.command()
@click.argument("scenario_ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every run in the lake (the default).")
@click.pass_obj
def report(data_dir: Path, scenario_ids: tuple[str, ...], every: bool) -> None:
    """One self-contained HTML file of the runs at exports/report/index.html: scorecard,
    effectiveness, latency against SLA, coverage matrix and gaps, and per scenario its prices
    with injections and alerts marked, each expected rule's signal around detection, causal
    chains."""
    from pipelines.report.build import build_report

    ids = list(scenario_ids)
    if every or not ids:
        ids = stored_scenarios(data_dir / "lake", "audit.scenario_results")
    if not ids:
        errors.print("[red]error[/] no run in the lake: `riskproof run` first")
        sys.exit(1)
    try:
        path = build_report(data_dir, ids)
    except MissingPartitionError as error:
        errors.print(f"[red]error[/] {error}", highlight=False)
        sys.exit(1)
    console.print(f"  report  {rel(path)}", highlight=False)
