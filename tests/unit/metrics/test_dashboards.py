"""Every panel query parses as PromQL (promtool), reads only defined metrics, and the Production
Risk dashboard reads only risk_* metrics, with no scenario label."""

from pathlib import Path

import yaml

from pipelines.metrics.definitions import ALL
from tests.unit.metrics.dashboards import ALERT_RULES, all_queries, metric_names, panel_queries
from tests.unit.metrics.promtool_helpers import promtool

SAMPLE_NAMES = {m.sample_name for m in ALL}


def test_there_are_three_dashboards_with_queries() -> None:
    boards = {board for board, _, _ in all_queries()}
    assert boards == {"production_risk", "audit_validation", "executive_correlation"}


def test_every_panel_query_is_valid_promql(tmp_path: Path) -> None:
    # promtool has no parse-only command; `check rules` parses each expr of a recording rule.
    rules = [
        {"record": f"riskproof:panel_{n}", "expr": expr}
        for n, (_, _, expr) in enumerate(all_queries())
    ]
    path = tmp_path / "panels.rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "panels", "rules": rules}]}))
    assert f"SUCCESS: {len(rules)} rules found" in promtool("check", "rules", path)


def test_panels_read_only_metrics_we_define() -> None:
    for board, title, expr in all_queries():
        names = metric_names(expr)
        assert names, f"{board} / {title}: no metric selector in {expr}"
        assert names <= SAMPLE_NAMES, f"{board} / {title}: unknown {names - SAMPLE_NAMES}"


def test_production_risk_reads_only_the_risk_monitors_metrics() -> None:
    for title, expr in panel_queries("production_risk"):
        assert all(n.startswith("risk_") for n in metric_names(expr)), title
        assert "scenario" not in expr, title


def test_alert_rules_check_and_pass_their_unit_tests() -> None:
    assert "SUCCESS: 8 rules found" in promtool(
        "check", "rules", ALERT_RULES / "riskproof.rules.yml"
    )
    tests = ALERT_RULES / "riskproof.rules.test.yml"
    assert "SUCCESS" in promtool("test", "rules", tests.name, cwd=ALERT_RULES)
    alerts = yaml.safe_load((ALERT_RULES / "riskproof.rules.yml").read_text())
    names = {r["alert"] for g in alerts["groups"] for r in g["rules"]}
    tested = yaml.safe_load(tests.read_text())
    silent = {
        case["alertname"]
        for group in tested["tests"]
        for case in group["alert_rule_test"]
        if not case["exp_alerts"]
    }
    assert silent == names, f"rules with no must-not-fire case: {names - silent}"
