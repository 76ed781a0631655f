"""`riskproof report --all` over the replayed library: one valid, self-contained HTML file."""

from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from pipelines.audit.reading import stored_scenarios
from pipelines.cli import main


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
        if tag not in ("meta", "br", "hr", "img", "link", "input"):
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
