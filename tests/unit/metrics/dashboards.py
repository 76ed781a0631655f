"""The provisioned dashboards' panel queries, for the tests."""

import json
import re

from pipelines.project import ROOT

DASHBOARDS = ROOT / "dashboards" / "grafana"
ALERT_RULES = ROOT / "dashboards" / "alerts"
# Grafana's value for a multi-value variable set to All (allValue in the JSON).
ALL_VALUE = ".*"
SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\{")


def panel_queries(name: str) -> list[tuple[str, str]]:
    """(panel title, expr with variables at All) of one dashboard file."""
    board = json.loads((DASHBOARDS / f"{name}.json").read_text())
    return [
        (panel["title"], re.sub(r"\$\w+", ALL_VALUE, target["expr"]))
        for panel in board["panels"]
        for target in panel["targets"]
    ]


def all_queries() -> list[tuple[str, str, str]]:
    return [
        (path.stem, title, expr)
        for path in sorted(DASHBOARDS.glob("*.json"))
        for title, expr in panel_queries(path.stem)
    ]


def metric_names(expr: str) -> set[str]:
    """Metric names of an expr; our queries always write a selector with braces."""
    return set(SELECTOR.findall(expr))
