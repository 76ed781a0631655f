"""`riskproof report --all` over the replayed library: one valid, self-contained HTML file."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.audit.reading import stored_scenarios
from pipelines.cli import main
from risk_monitor import RULE_NAMES
from tests.integration.conftest import lake_table

VOID = ("meta", "br", "hr", "img", "link", "input", "wbr")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: set[str] = set()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        if tag in ("script", "link", "img", "iframe"):
            self.external.append(tag)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes <{self.open[-1]}>"
        self.open.pop()


def test_the_report_holds_every_scenario_with_charts(library_run: Path) -> None:
    answer = CliRunner().invoke(main, ["--data-dir", str(library_run), "report", "--all"])
    assert answer.exit_code == 0, answer.output
    path = library_run / "exports" / "report" / "index.html"
    assert path.exists()
    text = path.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(text)
    parser.close()
    assert not parser.open, f"unclosed: {parser.open}"
    assert {"html", "table", "svg", "polyline"} <= parser.seen
    assert not parser.external, "the report must not load anything"
    ids = stored_scenarios(library_run / "lake", "audit.scenario_results")
    assert ids
    for scenario_id in ids:
        assert f'id="{scenario_id}"' in text
    assert "risk-system effectiveness" in text
    _assert_summary_charts(text, library_run, ids)
    for scenario_id in ids:
        _assert_price_chart(text, library_run, scenario_id)
    again = CliRunner().invoke(main, ["--data-dir", str(library_run), "report", "--all"])
    assert again.exit_code == 0, again.output
    assert path.read_text(encoding="utf-8") == text, "the same runs gave another report"


def _element(text: str, start: str, end: str) -> str:
    """The first element opening with `start` up to its first `end` (none of ours nest)."""
    assert start in text, f"no {start}"
    opened = text.index(start)
    return text[opened : text.index(end, opened) + len(end)]


def _assert_summary_charts(text: str, data_dir: Path, ids: list[str]) -> None:
    # After the scorecard, before any scenario.
    order = [text.index(f'id="{a}"') for a in ("summary-latency", "summary-coverage", ids[0])]
    assert text.index("<h2>Scorecard</h2>") < order[0] < order[1] < order[2]
    latency = _element(
        text, '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-latency"', "</svg>"
    )
    with_sla = [
        f"{r['scenario_id']}/{r['expectation_id']}"
        for sid in ids
        for r in lake_table(data_dir, "audit.scenario_results", sid)
        .filter(pl.col("sla_s").is_not_null())
        .iter_rows(named=True)
    ]
    assert re.findall(r'class="latency-row" data-expectation="([^"]+)"', latency) == with_sla
    coverage = _element(text, '<table class="coverage">', "</table>").replace("<wbr>", "")
    for rule in RULE_NAMES:
        assert f'<th class="rule">{rule}</th>' in coverage, rule
    assert '<ul class="gaps">' in text or "No gaps." in text


def _assert_price_chart(text: str, data_dir: Path, scenario_id: str) -> None:
    section = _element(text, f'<section id="{scenario_id}"', "</section>")
    prices = _element(section, "<svg", "</svg>")
    assert 'class="chart chart-prices"' in prices, f"{scenario_id}: the price chart comes first"
    assert "<polyline" in prices
    injections = lake_table(data_dir, "audit.injections", scenario_id)
    for injection_id in injections.get_column("injection_id").to_list():
        assert f">{injection_id} (" in prices, f"{scenario_id}: {injection_id} not marked"
