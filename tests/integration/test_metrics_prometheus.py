"""The library's runs, exported as OpenMetrics, backfilled with promtool into a Prometheus on
127.0.0.1: every panel query of the three dashboards returns data on the runs' own timelines."""

import json
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.metrics.backfill import backfill
from pipelines.metrics.export import export_metrics
from tests.integration.conftest import lake_table
from tests.unit.metrics.dashboards import all_queries
from tests.unit.metrics.promtool_helpers import prometheus_binary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as response:
        answer: dict[str, Any] = json.load(response)
    return answer


@pytest.fixture(scope="module")
def windows(library_run: Path) -> dict[str, tuple[datetime, datetime]]:
    ids = sorted(
        p.name.removeprefix("scenario=") for p in (library_run / "lake/audit/timeline").iterdir()
    )
    spans = {}
    for scenario_id in ids:
        span = lake_table(library_run, "audit.timeline", scenario_id).filter(
            pl.col("event") == "scenario"
        )
        spans[scenario_id] = (span.item(0, "ts"), span.item(0, "end_ts"))
    return spans


@pytest.fixture(scope="module")
def prometheus(
    library_run: Path,
    windows: dict[str, tuple[datetime, datetime]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    work = tmp_path_factory.mktemp("prometheus")
    prometheus_binary("promtool")  # fails saying how to get it
    backfill([export_metrics(library_run, scenario_id) for scenario_id in windows], work / "tsdb")
    config = work / "prometheus.yml"
    config.write_text("global: {}\n")
    port = _free_port()
    server = subprocess.Popen(
        [
            prometheus_binary("prometheus"),
            f"--config.file={config}",
            f"--storage.tsdb.path={work / 'tsdb'}",
            "--storage.tsdb.retention.time=100y",  # the replays are years old
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(work / "prometheus.log").open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if _get(f"{url}/api/v1/status/tsdb")["status"] == "success":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"prometheus did not start: {(work / 'prometheus.log').read_text()}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _range(url: str, expr: str, start: datetime, end: datetime) -> list[Any]:
    query = urllib.parse.urlencode(
        {"query": expr, "start": start.timestamp(), "end": end.timestamp(), "step": "60s"}
    )
    answer = _get(f"{url}/api/v1/query_range?{query}")
    assert answer["status"] == "success", answer
    result: list[Any] = answer["data"]["result"]
    return result


@pytest.mark.parametrize(("board", "title", "expr"), all_queries())
def test_every_panel_query_returns_data_for_the_runs(
    prometheus: str,
    windows: dict[str, tuple[datetime, datetime]],
    board: str,
    title: str,
    expr: str,
) -> None:
    answered = {s for s, (start, end) in windows.items() if _range(prometheus, expr, start, end)}
    assert answered, f"{board} / {title}: no data for any run: {expr}"


def test_the_depeg_spans_its_36_hours_in_prometheus(
    prometheus: str, windows: dict[str, tuple[datetime, datetime]]
) -> None:
    start, end = windows["usdt_depeg"]
    series = _range(prometheus, 'scenario_event_injected{instance="usdt_depeg"}', start, end)
    points = [(float(t), v) for t, v in series[0]["values"]]
    active = [t for t, v in points if v == "1"]
    assert (max(active) - min(active)) / 3600 >= 36  # injected 06:00 day 1 to 00:00 day 3


def test_export_metrics_tsdb_fills_the_data_dir_deploy_serves(
    library_run: Path, windows: dict[str, tuple[datetime, datetime]]
) -> None:
    prometheus_binary("promtool")
    args = ["--data-dir", str(library_run), "export", "metrics", "--all", "--tsdb"]
    answer = CliRunner().invoke(main, args)
    assert answer.exit_code == 0, answer.output
    metas = [json.loads(p.read_text()) for p in (library_run / "exports/tsdb").glob("*/meta.json")]
    assert f"({len(metas)} block(s))" in answer.output
    starts = {datetime.fromtimestamp(m["minTime"] / 1000, UTC) for m in metas}
    for scenario_id, (start, end) in windows.items():
        assert any(start - timedelta(minutes=1) <= at < end for at in starts), (
            f"no block of {scenario_id}"
        )
