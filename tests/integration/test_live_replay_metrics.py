"""A real replay of the short crash with its metrics served live: scraped over HTTP with
prometheus-client's parser, the run state moves pending → running → succeeded, and once the
tables land every series says what the exported (backfill) file says at the run's end."""

import os
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import DagsterInstance
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families

from pipelines.definitions import build_definitions
from pipelines.metrics.definitions import ALL
from pipelines.metrics.export import export_metrics
from pipelines.metrics.live import ReplayMetrics, serving
from pipelines.project import ROOT
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.runner import replay
from scenarios import ValidScenario
from tests.integration.conftest import SHORT_CRASH

Series = dict[tuple[str, frozenset[tuple[str, str]]], float]
SAMPLE_NAMES = {spec.sample_name for spec in ALL} | {"scenario_run_state"}


def scrape(port: int) -> Series:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name in SAMPLE_NAMES
    }


def value(series: Series, name: str, **labels: str) -> float | None:
    return series.get((name, frozenset({"instance": "short_crash", **labels}.items())))


def state(series: Series) -> str:
    states = ("pending", "running", "succeeded", "failed")
    on = [s for s in states if value(series, "scenario_run_state", scenario="short_crash", state=s)]
    assert len(on) == 1, series
    return on[0]


@pytest.fixture
def crash(tmp_path: Path) -> ValidScenario:
    (scenario,) = ScenarioCatalog(user_dir=str(tmp_path / "scenarios")).admit(SHORT_CRASH)
    return scenario


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[DagsterInstance]:
    # on disk, not ephemeral: the watcher thread reads the runs the replay records
    home = tmp_path / "dagster_home"
    home.mkdir()
    with DagsterInstance.local_temp(str(home)) as made:
        yield made


def _scrape_until(port: int, stop: threading.Event, scrapes: list[Series]) -> None:
    while not stop.wait(0.1):
        scrapes.append(scrape(port))


def test_a_replay_serves_its_state_and_results_as_they_land(
    tmp_path: Path, crash: ValidScenario, instance: DagsterInstance
) -> None:
    with serving(0, tmp_path / "lake", [crash], instance, interval_s=0.1) as live:
        assert isinstance(live, ReplayMetrics)
        assert live.port is not None
        first = scrape(live.port)
        assert state(first) == "pending"
        assert not [k for k in first if k[0] == "scenario_event_injected"]

        stop, during = threading.Event(), list[Series]()
        scraper = threading.Thread(target=_scrape_until, args=(live.port, stop, during))
        scraper.start()
        try:
            (outcome,) = replay(build_definitions(tmp_path), instance, [crash.id])
        finally:
            stop.set()
            scraper.join()
        assert outcome.success, outcome.error
        live.refresh()
        last = scrape(live.port)

    states = [state(s) for s in [first, *during, last]]
    assert "running" in states, states
    order = {"pending": 0, "running": 1, "succeeded": 2}
    assert [order[s] for s in states] == sorted(order[s] for s in states), states
    assert state(last) == "succeeded"

    injected = {"scenario": "short_crash", "injection": "crash", "kind": "crash"}
    assert value(last, "scenario_event_injected", **injected, target="market_data") == 1.0
    detected = {"expectation": "drawdown_breach", "rule": "portfolio_drawdown"}
    assert value(last, "scenario_risk_detection", scenario="short_crash", **detected,
                 status="PASS") == 1.0  # fmt: skip
    assert value(last, "risk_alert_accuracy", scenario="short_crash") == 1.0

    exported = export_metrics(tmp_path, crash.id).read_text()
    at_end: Series = {}
    # prometheus-client's OpenMetrics parser carries no annotations
    for family in openmetrics_families(exported):  # type: ignore[no-untyped-call]
        for s in family.samples:
            if s.timestamp is not None and float(s.timestamp) < crash.end.timestamp():
                at_end[(s.name, frozenset(s.labels.items()))] = s.value
    served = {k: v for k, v in last.items() if k[0] != "scenario_run_state"}
    assert served == at_end


def test_without_a_port_nothing_is_served(
    tmp_path: Path, crash: ValidScenario, instance: DagsterInstance
) -> None:
    with serving(None, tmp_path / "lake", [crash], instance) as live:
        assert live is None


def test_riskproof_run_serves_metrics_while_it_replays(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    command = [sys.executable, "-m", "pipelines", "--data-dir", str(tmp_path / "data"),
               "run", "--workers", "1", "--metrics-port", "0", str(SHORT_CRASH)]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    printed = []
    for line in process.stdout:  # port 0: the command says which port it bound
        printed.append(line)
        found = re.search(r"http://127\.0\.0\.1:(\d+)/metrics", line)
        if found:
            break
    else:
        pytest.fail("".join(printed))
    port = int(found.group(1))
    scrapes = []
    while process.poll() is None:
        try:
            scrapes.append(scrape(port))
        except OSError:  # the replay ended between poll() and the request
            break
        threading.Event().wait(0.2)
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, "".join(printed) + rest
    states = [state(s) for s in scrapes]
    assert "running" in states, states
