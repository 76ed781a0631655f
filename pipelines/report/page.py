"""The report page, pure: frames and charts in, one self-contained HTML document out."""

from dataclasses import dataclass, field
from datetime import datetime
from html import escape

import polars as pl

from pipelines.report.palette import STATUS_COLOUR
from pipelines.scorecard import duration_text, effectiveness_line

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
th { background: #f3f3f3; }
.num { text-align: right; }
.muted { color: #777; fill: #777; }
.status { font-weight: bold; }
section { border-top: 2px solid #eee; margin-top: 2em; }
table.coverage td { text-align: center; min-width: 2.5em; }
table.coverage th.rule { font-size: 0.85em; max-width: 7em; }
.wide { overflow-x: auto; max-width: 100%; }
"""


@dataclass(frozen=True)
class ExpectationView:
    row: dict[str, object]
    chart: str


@dataclass(frozen=True)
class ScenarioView:
    scenario_id: str
    title: str
    description: str
    expectations: list[ExpectationView] = field(default_factory=list)
    chains: pl.DataFrame = field(default_factory=pl.DataFrame)
    prices: str = ""


@dataclass(frozen=True)
class Summary:
    """The charts over all the report's runs, shown after the scorecard."""

    latency: str
    coverage: str


def render_page(
    results: pl.DataFrame,
    unexplained: pl.DataFrame,
    summary: Summary,
    scenarios: list[ScenarioView],
) -> str:
    body = [
        "<h1>riskproof report</h1>",
        f"<p><strong>{escape(effectiveness_line(results, unexplained))}</strong></p>",
        "<h2>Scorecard</h2>",
        _scorecard(results),
        '<section id="summary-latency" class="summary">',
        "<h2>Detection latency against SLA</h2>",
        summary.latency,
        "</section>",
        '<section id="summary-coverage" class="summary">',
        "<h2>Coverage: rules × injection kinds</h2>",
        summary.coverage,
        "</section>",
        *(_scenario(s) for s in scenarios),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>riskproof report</title>"
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _status(value: object) -> str:
    text = str(value)
    colour = STATUS_COLOUR.get(text, "#222")
    return f'<td class="status" style="color:{colour}">{escape(text)}</td>'


def _cell(value: object, numeric: bool = False) -> str:
    if value is None:
        text = "-"
    elif isinstance(value, datetime):
        text = f"{value:%Y-%m-%d %H:%M:%S}"
    elif isinstance(value, float) and numeric:
        text = duration_text(value)
    elif isinstance(value, float):
        text = f"{value:.3g}"
    else:
        text = str(value)
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def _table(headers: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    # wide tables (the causal chains) scroll in place rather than widen the page
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f'<div class="wide">{table}</div>'


def _scorecard(results: pl.DataFrame) -> str:
    rows = [
        "<tr>"
        + _cell(r["scenario_id"])
        + _cell(r["expectation_id"])
        + _cell(r["rule"])
        + _cell(r["expected_severity"] or "any")
        + _cell("yes" if r["detected"] else "no")
        + _cell(r["latency_s"], numeric=True)
        + _cell(r["sla_s"], numeric=True)
        + _status(r["status"])
        + "</tr>"
        for r in results.iter_rows(named=True)
    ]
    headers = ["scenario", "expectation", "rule", "severity", "detected", "latency", "SLA"]
    return _table([*headers, "status"], rows)


def _scenario(view: ScenarioView) -> str:
    parts = [
        f'<section id="{escape(view.scenario_id)}" class="scenario">',
        f"<h2>{escape(view.scenario_id)}: {escape(view.title)}</h2>",
    ]
    if view.description:
        parts.append(f"<p>{escape(view.description)}</p>")
    parts.append(view.prices)
    for expectation in view.expectations:
        r = expectation.row
        parts.append(f"<h3>{escape(str(r['expectation_id']))} ({escape(str(r['rule']))})</h3>")
        rows = [
            "<tr>"
            + _cell(r["onset_ts"])
            + _cell(r["first_alert_ts"])
            + _cell(r["latency_s"], numeric=True)
            + _cell(r["sla_s"], numeric=True)
            + _status(r["status"])
            + "</tr>"
        ]
        parts.append(_table(["onset", "first alert", "latency", "SLA", "status"], rows))
        parts.append(expectation.chart)
    if view.chains.height:
        parts.append("<h3>Causal chains</h3>")
        parts.append(_chains(view.chains))
    parts.append("</section>")
    return "\n".join(parts)


CHAIN_COLUMNS = (
    "expectation_id",
    "trigger",
    "effect",
    "effect_subject",
    "injected_ts",
    "onset_ts",
    "prod_visible_ts",
    "signal_change_ts",
    "first_alert_ts",
    "correlation",
    "lag_s",
)


def _chains(chains: pl.DataFrame) -> str:
    rows = [
        "<tr>"
        + "".join(_cell(r[c], numeric=c == "lag_s") for c in CHAIN_COLUMNS)
        + _status(r["status"])
        + "</tr>"
        for r in chains.iter_rows(named=True)
    ]
    return _table([*CHAIN_COLUMNS, "status"], rows)
