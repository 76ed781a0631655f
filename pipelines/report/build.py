"""Read the runs' tables from the lake and write data/exports/report/index.html (the I/O)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

from pipelines.audit.ground_truth_export import write_text
from pipelines.report.coverage_table import coverage_table
from pipelines.report.latency_chart import latency_chart
from pipelines.report.page import ExpectationView, ScenarioView, Summary, render_page
from pipelines.report.price_chart import read_price_chart
from pipelines.report.svg import Level, Marker, line_chart
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.lake import Lake
from scenarios import ScenarioError

MAX_POINTS = 500
MIN_PAD = timedelta(minutes=30)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def build_report(data_dir: Path, scenario_ids: list[str]) -> Path:
    """Write the report of the given runs; MissingPartitionError if one is not in the lake."""
    path = data_dir / "exports" / "report" / "index.html"
    write_text(path, report_html(data_dir, scenario_ids))
    return path


def report_html(data_dir: Path, scenario_ids: list[str]) -> str:
    """The report of the given runs as one HTML document (`riskproof evidence` ships it)."""
    lake = Lake(root=str(data_dir / "lake"))
    catalog = ScenarioCatalog(user_dir=str(data_dir / "scenarios"))
    results = lake.read_stored("audit", "scenario_results", scenario_ids)
    unexplained = lake.read_stored("audit", "unexplained_alerts", scenario_ids)
    coverage = lake.read_stored("audit", "coverage", scenario_ids)
    summary = Summary(latency_chart(results), coverage_table(coverage))
    views = [_scenario(lake, catalog, sid, results) for sid in scenario_ids]
    return render_page(results, unexplained, summary, views)


def _scenario(
    lake: Lake, catalog: ScenarioCatalog, scenario_id: str, results: pl.DataFrame
) -> ScenarioView:
    try:
        spec = catalog.load(scenario_id).spec
        title, description = spec.title, spec.description
    except (KeyError, ScenarioError):
        title, description = scenario_id, ""
    chains = lake.read("audit", "causation_chains", scenario_id)
    mine = results.filter(pl.col("scenario_id") == scenario_id).drop("scenario_id")
    expectations = [
        ExpectationView(row, _chart(lake, scenario_id, row, chains))
        for row in mine.iter_rows(named=True)
        if row["sla_s"] is not None
    ]
    prices = read_price_chart(lake, scenario_id)
    return ScenarioView(scenario_id, title, description, expectations, chains, prices)


def _chart(lake: Lake, scenario_id: str, row: dict[str, object], chains: pl.DataFrame) -> str:
    onset, alert = row["onset_ts"], row["first_alert_ts"]
    marks = [t for t in (onset, alert) if isinstance(t, datetime)]
    if not marks:
        return '<p class="muted">no onset and no alert: nothing to chart around.</p>'
    sla = row["sla_s"]
    pad = max(MIN_PAD, timedelta(seconds=float(sla)) if isinstance(sla, float) else MIN_PAD)
    window = Window(min(marks) - pad, max(marks) + pad)
    rule = str(row["rule"])
    path = lake.path("risk", "signals", scenario_id)
    signals = (
        pl.scan_parquet(path)
        .filter(
            (pl.col("rule") == rule)
            & pl.col("ts").is_between(window.start, window.end)
            & pl.col("value").is_not_null()
        )
        .select("ts", "subject", "value", "warning_level", "breach_level")
        .collect()
    )
    subject = _best_subject(signals, chains, str(row["expectation_id"]))
    series = signals.filter(pl.col("subject") == subject).sort("ts")
    every = max(1, -(-series.height // MAX_POINTS))
    sampled = series.gather_every(every)
    levels = []
    for column, label, colour in (
        ("warning_level", "warning", "#e69500"),
        ("breach_level", "breach", "#d62728"),
    ):
        found = series.get_column(column).drop_nulls() if series.height else pl.Series([])
        if len(found):
            levels.append(Level(label, float(found[-1]), colour))
    markers = []
    if isinstance(onset, datetime):
        markers.append(Marker("onset", onset, "#555"))
    if isinstance(alert, datetime):
        markers.append(Marker("first alert", alert, "#d62728"))
    return line_chart(
        sampled.get_column("ts").to_list(),
        sampled.get_column("value").to_list(),
        levels,
        markers,
        f"{rule} on {subject}",
    )


def _best_subject(signals: pl.DataFrame, chains: pl.DataFrame, expectation_id: str) -> str:
    """The subject the causal chain names, else the one whose signal went furthest past its
    breach level."""
    named = chains.filter(pl.col("expectation_id") == expectation_id)
    subjects = set(signals.get_column("subject").unique().to_list())
    for subject in named.get_column("effect_subject").drop_nulls().to_list():
        if subject in subjects:
            return str(subject)
    if signals.is_empty():
        return "-"
    ranked = signals.group_by("subject").agg(
        (pl.col("value") - pl.col("breach_level").fill_null(0.0)).max().alias("_over")
    )
    return str(ranked.sort("_over", descending=True, nulls_last=True).item(0, "subject"))
