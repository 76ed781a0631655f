"""The scorecard: per scenario and expectation, detected or not, latency against the SLA."""

from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from correlator.effectiveness import by_scenario, pooled
from pipelines.resources.atomic import write_atomically

STATUS_STYLE = {
    "PASS": "bold green",
    "FAIL_LATE": "bold yellow",
    "FAIL_MISSED": "bold red",
    "FAIL_FALSE_POSITIVE": "bold red",
}


def render(results: pl.DataFrame, unexplained: pl.DataFrame, console: Console) -> None:
    table = Table(title="riskproof scorecard", title_style="bold", header_style="bold")
    for column in ("scenario", "expectation", "rule", "severity", "detected", "latency", "SLA"):
        table.add_column(column, justify="right" if column in ("latency", "SLA") else "left")
    table.add_column("status")
    for row in results.iter_rows(named=True):
        table.add_row(
            row["scenario_id"],
            row["expectation_id"],
            row["rule"],
            row["expected_severity"] or "any",
            "yes" if row["detected"] else "no",
            duration_text(row["latency_s"]),
            duration_text(row["sla_s"]),
            f"[{STATUS_STYLE.get(row['status'], '')}]{row['status']}[/]",
        )
    console.print(table)
    if unexplained.height:
        noise = (
            unexplained.group_by("scenario_id", "rule", "severity")
            .agg(pl.len().alias("alerts"), pl.col("subject").unique().sort().str.join(", "))
            .sort("scenario_id", "rule", "severity")
        )
        console.print("[bold]Also fired, with no expectation naming them:[/]")
        for row in noise.iter_rows(named=True):
            console.print(
                f"  {row['scenario_id']}: {row['alerts']} x {row['severity']} "
                f"{row['rule']} on {row['subject']}"
            )
    passed = results.filter(pl.col("status") == "PASS").height
    style = "green" if passed == results.height else "red"
    console.print(f"[bold {style}]{passed}/{results.height} checks passed[/]")
    console.print(effectiveness_line(results, unexplained), highlight=False)


def effectiveness_line(results: pl.DataFrame, unexplained: pl.DataFrame) -> str:
    """The run's score, as audit.effectiveness stores it per scenario (correlator/effectiveness)."""
    run = pooled(by_scenario(results, unexplained))
    detection = "-" if run["detection"] is None else f"{run['detection']:.2f}"
    return (
        f"risk-system effectiveness {run['score']:.2f} (severity-weighted detection {detection} "
        f"over {run['expectations']} expectation(s), {run['false_positives']} false positive(s))"
    )


def export(results: pl.DataFrame, path: Path) -> None:
    # runs in other processes export too: a reader sees one whole scorecard, never half of one
    write_atomically(path, results.write_csv)


def duration_text(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 3600:
        return f"{value / 3600:.2f} h"
    if abs(value) >= 120:
        return f"{value / 60:.1f} min"
    return f"{value:.1f} s"
