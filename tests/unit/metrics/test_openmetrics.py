"""A synthetic run → OpenMetrics text: replay times, counters, verdicts, and promtool backfill."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from pipelines.contracts import CONTRACTS
from pipelines.metrics.openmetrics import TABLES, run_metrics
from tests.unit.metrics.promtool_helpers import promtool

START = datetime(2021, 5, 1, tzinfo=UTC)
END = START + timedelta(hours=36)
HOUR = timedelta(hours=1)


def _rows(table: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=CONTRACTS[table].columns)


def run_tables() -> dict[str, pl.DataFrame]:
    tables = {name: _rows(name, []) for name in TABLES}
    tables["audit.timeline"] = _rows(
        "audit.timeline",
        [{"ts": START, "end_ts": END, "component": "coordinator", "event": "scenario"}],
    )
    tables["audit.injections"] = _rows(
        "audit.injections",
        [
            {
                "injection_id": "depeg",
                "target": "market_data",
                "kind": "depeg",
                "start_ts": START + 6 * HOUR,
                "end_ts": END,
                "params": "{}",
            }
        ],
    )
    tables["risk.alerts"] = _rows(
        "risk.alerts",
        [
            {
                "ts": START + 18 * HOUR + timedelta(seconds=5),
                "rule": "stablecoin_depeg",
                "subject": "USDT",
                "severity": "high",
                "event": "raised",
            }
        ],
    )
    tables["risk.compliance_status"] = _rows(
        "risk.compliance_status",
        [
            {"ts": START, "mandate": "firm", "status": "compliant"},
            {"ts": START + 18 * HOUR, "mandate": "firm", "status": "breach"},
        ],
    )
    tables["audit.scenario_results"] = _rows(
        "audit.scenario_results",
        [
            {
                "expectation_id": "depeg_alert",
                "rule": "stablecoin_depeg",
                "detected": True,
                "onset_ts": START + 18 * HOUR,
                "first_alert_ts": START + 18 * HOUR + timedelta(seconds=5),
                "latency_s": 5.0,
                "sla_s": 900.0,
                "status": "PASS",
            }
        ],
    )
    return tables


def samples(text: str, name: str) -> list[tuple[str, float, int]]:
    found = re.findall(rf"^{name}(\{{[^}}]*\}}) (\S+) (\d+)$", text, re.MULTILINE)
    return [(labels, float(value), int(ts)) for labels, value, ts in found]


def test_samples_sit_on_the_replays_own_36_hours_and_the_text_ends_with_eof() -> None:
    text = run_metrics(run_tables(), "depeg_run")
    assert text.endswith("# EOF\n")
    status = samples(text, "risk_compliance_status")
    times = [ts for _, _, ts in status]
    assert min(times) == START.timestamp()
    assert max(times) == END.timestamp()
    assert all(b - a == 60 for a, b in zip(times, times[1:], strict=False))
    at = {ts: value for _, value, ts in status}
    assert at[int((START + 17 * HOUR).timestamp())] == 0.0
    assert at[int((START + 18 * HOUR).timestamp())] == 2.0
    assert 'instance="depeg_run"' in status[0][0]


def test_counters_end_in_total_and_start_at_zero() -> None:
    text = run_metrics(run_tables(), "depeg_run")
    assert "# TYPE risk_alert_generated counter" in text
    alerts = samples(text, "risk_alert_generated_total")
    assert alerts[0][1] == 0.0
    assert alerts[-1][1] == 1.0


def test_injection_and_detection_are_step_functions_of_replay_time() -> None:
    text = run_metrics(run_tables(), "depeg_run")
    injected = {ts: v for _, v, ts in samples(text, "scenario_event_injected")}
    assert injected[int((START + 5 * HOUR).timestamp())] == 0.0
    assert injected[int((START + 6 * HOUR).timestamp())] == 1.0
    detected = {ts: v for _, v, ts in samples(text, "scenario_risk_detection")}
    assert detected[int((START + 18 * HOUR).timestamp())] == 1.0  # alert at 18h 5s, 1-minute step
    assert detected[int((START + 17 * HOUR).timestamp())] == 0.0
    assert 'status="PASS"' in samples(text, "scenario_risk_detection")[0][0]


def test_promtool_backfills_the_text_into_one_block(tmp_path: Path) -> None:
    source = tmp_path / "run.om"
    source.write_text(run_metrics(run_tables(), "depeg_run"))
    out = promtool(
        "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=720h",
        source, tmp_path / "tsdb",
    )  # fmt: skip
    assert "36h0m0.001s" in out, out
