"""`riskproof verify` and `riskproof evidence`."""

import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.table import Table

from pipelines.cli_output import console, errors, rel, say
from pipelines.provenance.archive import SecretInBundle
from pipelines.provenance.compare import SAME, Row
from pipelines.provenance.evidence import EvidenceError, write_evidence
from pipelines.provenance.manifest import ManifestError
from pipelines.provenance.verify import Verification, verify_run
from scenarios import ScenarioError

SHOWN = 16  # hex digits of a hash shown; manifest.json holds them whole
STATUS_STYLE = {SAME: "green", "DIFFERS": "bold red"}


def _fail(message: str) -> NoReturn:
    errors.print("[red]error[/]", message, highlight=False, soft_wrap=True, markup=True)
    sys.exit(1)


@click.command()
@click.argument("scenario_id")
@click.pass_obj
def verify(data_dir: Path, scenario_id: str) -> None:
    """Rerun a scenario from its recorded inputs (scenario file, limits, candle files, seed) into
    a temporary directory and compare every hash with the run's manifest and with the lake.
    Exits 1 naming each table that differs and each input that changed since the run."""
    try:
        with console.status("") as status:
            result = verify_run(
                data_dir,
                scenario_id,
                on_rerun=lambda: status.update(f"rerunning [bold]{scenario_id}[/] ..."),
            )
    except ManifestError as error:
        _fail(str(error))
    except KeyError as error:
        _fail(f"cannot rerun {scenario_id!r}: {error.args[0]}")
    except ScenarioError as error:
        _fail(f"cannot rerun {scenario_id!r}: {error}")
    _render(result)
    sys.exit(0 if result.passed else 1)


def _render(result: Verification) -> None:
    recorded = result.recorded
    say(f"riskproof verify {recorded.scenario_id} (seed {recorded.seed})")
    if result.inputs:
        console.print(_table("inputs", ("input", "recorded", "now"), result.inputs, 2))
    columns = ("table", "recorded", "lake", "rerun")
    console.print(_table("outputs", columns, result.outputs, 3))
    for note in result.notes:
        say(f"  note: {note}")
    if result.rerun_error:
        errors.print(f"[red]rerun failed[/] {result.rerun_error}", highlight=False)
    for row in result.changed_inputs:
        say(f"INPUT CHANGED {row.name}: {row.note}")
    for row in result.differing_tables:
        say(f"DIFFERS {row.name}: {row.note}")
    if result.passed:
        say(
            f"verified: {len(result.outputs)} tables and {len(result.inputs)} inputs "
            "identical to the manifest"
        )


def _table(title: str, columns: tuple[str, ...], rows: list[Row], hashes: int) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in (*columns, "status", "note"):
        table.add_column(column, no_wrap=column != "note")
    for row in rows:
        values = (row.recorded, row.stored, row.rerun)[:hashes]
        style = STATUS_STYLE[row.status]
        table.add_row(row.name, *(_short(v) for v in values), f"[{style}]{row.status}[/]", row.note)
    return table


def _short(value: str | None) -> str:
    return "-" if value is None else value[:SHOWN]


@click.command()
@click.argument("scenario_id")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Archive path [default: exports/evidence/<id>.tar.gz].",
)
@click.pass_obj
def evidence(data_dir: Path, scenario_id: str, output: Path | None) -> None:
    """One deterministic .tar.gz of a run for a reviewer: scenario file, limits, manifest,
    scorecard rows (CSV), HTML report, the expected hash of every table and a README.md on how
    to reproduce them. Credentials from the environment never go in: it refuses instead."""
    try:
        path, members = write_evidence(data_dir, scenario_id, output)
    except (ManifestError, EvidenceError, SecretInBundle) as error:
        _fail(str(error))
    except KeyError as error:
        _fail(str(error.args[0]))
    except ScenarioError as error:
        _fail(str(error))
    for name in members:
        say(f"  {name}")
    say(f"evidence  {rel(path)}")
