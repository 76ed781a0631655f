"""Matrix sweeps: one row per variant, its swept values beside each expectation's outcome.

This is the table a quant reads to see where detection starts and how latency falls as the
fault grows (e.g. detection latency against crash size).
"""

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from pipelines.resources.atomic import write_atomically
from pipelines.scorecard import STATUS_STYLE, duration_text
from scenarios import ValidScenario
from scenarios.compose import family_of
from scenarios.model import MARKET

UTC_US = pl.Datetime("us", "UTC")


def sweep_tables(
    scenarios: Sequence[ValidScenario], results: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """Per matrix family: scenario_id, each swept field (short name), expectation_id, detected,
    since_injection_s (first alert after the cause began), latency_s, sla_s, status."""
    tables: dict[str, pl.DataFrame] = {}
    for family in dict.fromkeys(family_of(s.id) for s in scenarios if s.variant):
        variants = [s for s in scenarios if s.variant and family_of(s.id) == family]
        axes = [path for path, _ in variants[0].variant]
        swept = pl.DataFrame(
            [
                {"scenario_id": s.id, **{_short(p): v for p, v in s.variant}, **cause}
                for s in variants
                for cause in _cause_starts(s)
            ]
        ).with_columns(pl.col("since").cast(UTC_US))
        joined = swept.join(results, on=["scenario_id", "expectation_id"], how="inner")
        tables[family] = joined.select(
            "scenario_id",
            *[_short(p) for p in axes],
            "expectation_id",
            "detected",
            ((pl.col("first_alert_ts") - pl.col("since")).dt.total_microseconds() / 1e6).alias(
                "since_injection_s"
            ),
            "latency_s",
            "sla_s",
            "status",
        ).sort([_short(p) for p in axes] + ["expectation_id"])
    return tables


def render_sweeps(tables: dict[str, pl.DataFrame], console: Console) -> None:
    for family, table in tables.items():
        axes = [c for c in table.columns[1 : table.columns.index("expectation_id")]]
        view = Table(title=f"sweep {family}", title_style="bold", header_style="bold")
        for column in (*axes, "expectation", "detected", "alert after injection", "latency"):
            view.add_column(column, justify="left" if column == "expectation" else "right")
        view.add_column("SLA", justify="right")
        view.add_column("status")
        for row in table.iter_rows(named=True):
            view.add_row(
                *[str(row[a]) for a in axes],
                row["expectation_id"],
                "yes" if row["detected"] else "no",
                duration_text(row["since_injection_s"]),
                duration_text(row["latency_s"]),
                duration_text(row["sla_s"]),
                f"[{STATUS_STYLE.get(row['status'], '')}]{row['status']}[/]",
            )
        console.print(view)


def export_sweeps(tables: dict[str, pl.DataFrame], directory: Path) -> list[Path]:
    paths = []
    for family, table in tables.items():
        path = directory / f"{family}.csv"
        write_atomically(path, table.write_csv)
        paths.append(path)
    return paths


def _short(path: str) -> str:
    return path.split(".")[-1]


def _cause_starts(scenario: ValidScenario) -> list[dict[str, object]]:
    """When each expectation's cause began: its injection's start, or the window's start for
    the market itself."""
    rows: list[dict[str, object]] = []
    for expectation in scenario.spec.expectations:
        since: datetime = (
            scenario.start
            if expectation.caused_by == MARKET
            else scenario.injection(expectation.caused_by).start_ts
        )
        rows.append({"expectation_id": expectation.id, "since": since})
    return rows
