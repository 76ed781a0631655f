"""The `riskproof` command."""

import os
import sys
import time
import warnings
from pathlib import Path

import click
import polars as pl

from pipelines import project
from pipelines.audit.cli import coverage, explain, export_group
from pipelines.cli_output import console, errors, rel
from pipelines.ingest.cli import data_group, ingest
from pipelines.metrics.cli import metrics as export_metrics_command
from pipelines.monitor_cli import monitor
from pipelines.provenance.cli import evidence, verify
from pipelines.quality import sidecar
from pipelines.report.cli import report
from pipelines.resources.catalog import ScenarioCatalog, read_scenarios
from pipelines.scenario_schema import PUBLISHED, schema_text
from scenarios import ScenarioError, ValidScenario


@click.group()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=project.DATA_DIR,
    envvar="RISKPROOF_DATA_DIR",
    show_default=True,
    help="Where the lake, warehouse, exports and admitted scenarios live.",
)
@click.pass_context
def main(context: click.Context, data_dir: Path) -> None:
    """Prove that a risk monitor catches what it must: replay real market data with chaos."""
    os.environ.setdefault("DAGSTER_HOME", str(project.DAGSTER_HOME))
    warnings.filterwarnings("ignore", module="dagster")
    context.obj = data_dir


@main.command()
@click.argument("targets", nargs=-1)
@click.option("--seed", type=int, default=None, help="Override every scenario's seed.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Scenarios replayed at once, each in its own process [default: cores, at most 4].",
)
@click.option(
    "--metrics-port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Serve the replay's Prometheus metrics on 127.0.0.1:PORT/metrics while it runs.",
)
@click.pass_obj
def run(
    data_dir: Path,
    targets: tuple[str, ...],
    seed: int | None,
    workers: int | None,
    metrics_port: int | None,
) -> None:
    """Replay scenarios (library ids or YAML paths; the whole library by default) and print
    the scorecard. Exits 1 if any expectation fails, 2 if a scenario file is invalid."""
    catalog = ScenarioCatalog(user_dir=str(data_dir / "scenarios"))
    scenarios = _resolve(catalog, targets)
    from dagster import DagsterInstance

    from pipelines.definitions import build_definitions
    from pipelines.metrics.live import serving
    from pipelines.runner import default_workers, replay, replay_in_parallel
    from pipelines.scorecard import export, render
    from pipelines.sweeps import export_sweeps, render_sweeps, sweep_tables

    started = time.perf_counter()
    ids = [s.id for s in scenarios]
    workers = workers or default_workers(len(ids))
    with (
        DagsterInstance.get() as instance,
        console.status("") as status,
        serving(metrics_port, data_dir / "lake", scenarios, instance),
    ):
        if workers == 1:
            outcomes = replay(
                build_definitions(data_dir),
                instance,
                ids,
                seed=seed,
                on_start=lambda sid: status.update(f"replaying [bold]{sid}[/] ..."),
            )
        else:
            sidecar.stop()  # pipelines.__main__ started it; each worker starts its own
            status.update(f"replaying {len(ids)} scenarios, {workers} at a time ...")
            span_s = {s.id: (s.end - s.start).total_seconds() for s in scenarios}
            outcomes = replay_in_parallel(
                data_dir,
                instance,
                ids,
                seed,
                workers,
                on_done=lambda o: console.print(f"  {o.scenario_id} replayed", highlight=False),
                cost=span_s.__getitem__,
            )
    failed = [o for o in outcomes if not o.success]
    for outcome in failed:
        errors.print(
            f"[red]{outcome.scenario_id} failed[/] (run {outcome.run_id}): {outcome.error}"
        )
    lake_dir = data_dir / "lake"
    results, unexplained = _read_results(lake_dir, [o.scenario_id for o in outcomes if o.success])
    if results.height:
        render(results, unexplained, console)
    sweeps = sweep_tables(scenarios, results)
    render_sweeps(sweeps, console)
    export_path = data_dir / "exports" / "scorecard.csv"
    export(results, export_path)
    for path in export_sweeps(sweeps, data_dir / "exports" / "sweeps"):
        console.print(f"  sweep      {rel(path)}")
    elapsed = time.perf_counter() - started
    console.print(
        f"{len(outcomes)} scenario(s) in {elapsed:.1f} s\n"
        f"  lake       {rel(lake_dir)}/<schema>/<table>/scenario=<id>/\n"
        f"  warehouse  duckdb {rel(data_dir / 'warehouse.duckdb')} "
        '"select * from audit.scenario_results"\n'
        f"  scorecard  {rel(export_path)}\n"
        "  Dagster UI make ui"
    )
    all_passed = results.height > 0 and (results["status"] == "PASS").all()
    sys.exit(0 if all_passed and not failed else 1)


@main.group()
def scenarios() -> None:
    """List, validate and register scenario files."""


@scenarios.command("list")
def list_scenarios() -> None:
    """The scenario library, one line each."""
    for path in ScenarioCatalog().library_paths():
        variants = read_scenarios(path)
        title = variants[0].spec.title
        sweep = f" [dim]({len(variants)} variants)[/]" if variants[0].variant else ""
        console.print(f"[bold]{path.stem:<22}[/] {title}{sweep}")


@scenarios.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Validate scenario files; print every problem with its field path. Writes nothing."""
    bad = 0
    for path in paths:
        try:
            variants = read_scenarios(path)
        except ScenarioError as error:
            bad += 1
            for line in error.lines():
                errors.print(f"[red]error[/] {line}", highlight=False, soft_wrap=True)
            continue
        ids = ", ".join(s.id for s in variants)
        console.print(f"[green]ok[/] {path}: {ids}", highlight=False)
    sys.exit(1 if bad else 0)


@scenarios.command()
def kinds() -> None:
    """Every registered injection kind: its target, parameters and what makes it material."""
    from pipelines.kinds_table import kinds_table

    console.print(kinds_table())


@scenarios.command()
@click.option("--write", is_flag=True, help=f"Write it to {rel(PUBLISHED)} instead of stdout.")
def schema(write: bool) -> None:
    """The JSON Schema of scenario files (for editors; the validator enforces the same)."""
    if write:
        PUBLISHED.write_text(schema_text(), encoding="utf-8")
        console.print(f"wrote {rel(PUBLISHED)}")
    else:
        click.echo(schema_text(), nl=False)


@scenarios.command()
@click.pass_obj
def register(data_dir: Path) -> None:
    """Register every known scenario as a partition of the Dagster instance (for `make ui`)."""
    from dagster import DagsterInstance

    from pipelines.partitions import scenario_partitions

    ids = ScenarioCatalog(user_dir=str(data_dir / "scenarios")).ids()
    assert scenario_partitions.name is not None
    with DagsterInstance.get() as instance:
        known = set(instance.get_dynamic_partitions(scenario_partitions.name))
        instance.add_dynamic_partitions(
            scenario_partitions.name, [s for s in ids if s not in known]
        )
    console.print(f"scenario partitions: {', '.join(ids)}")


def _resolve(catalog: ScenarioCatalog, targets: tuple[str, ...]) -> list[ValidScenario]:
    """Validate everything before running anything, so a typo costs no replay time."""
    found: list[ValidScenario] = []
    problems: list[str] = []
    for target in targets or tuple(p.stem for p in catalog.library_paths()):
        try:
            found.extend(catalog.target(target))
        except ScenarioError as error:
            problems.extend(error.lines())
        except KeyError as error:
            problems.append(str(error.args[0]))
    if problems:
        for line in problems:
            errors.print(f"[red]error[/] {line}", highlight=False, soft_wrap=True)
        sys.exit(2)
    return found


def _read_results(lake_dir: Path, scenario_ids: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    from pipelines.resources.lake import Lake

    if not scenario_ids:
        empty = pl.DataFrame(schema={"scenario_id": pl.String(), "status": pl.String()})
        return empty, empty
    lake = Lake(root=str(lake_dir))
    return (
        lake.read_stored("audit", "scenario_results", scenario_ids),
        lake.read_stored("audit", "unexplained_alerts", scenario_ids),
    )


main.add_command(ingest)
main.add_command(data_group)
main.add_command(explain)
main.add_command(coverage)
main.add_command(export_group)
main.add_command(monitor)
main.add_command(report)
main.add_command(verify)
main.add_command(evidence)
export_group.add_command(export_metrics_command)

if __name__ == "__main__":
    main()
