"""Production mode against the local Binance stand-in through real ccxt: the loop polls, serves
/metrics, and raises staleness and API alerts once the server stops answering."""

import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from pipelines.cli import main
from risk_monitor import Limits, parse_limits
from risk_monitor.live import (
    AlertEvent,
    CcxtExchange,
    CustodianPoller,
    CycleReport,
    LiveMonitor,
    MonitorMetrics,
)
from risk_monitor.schemas import ACCOUNT_BALANCES, SETTLEMENTS
from tests.integration.ingest.servers import (
    BINANCE_TEST_API_KEY,
    BINANCE_TEST_SECRET,
    BinanceServer,
    serving,
)

SYMBOLS = ["BTC/USDT", "ETH/USDT"]
# seconds-scale levels, so a stopped server trips them within a test
LIMITS = """
version: 1
evaluation: {interval: 50ms}
rules:
  data_staleness:
    warning: 1s
    breach: 2s
    clear_ratio: 0.5
    per_source: {account_balances: {warning: 1s, breach: 2s}}
  api_unavailable: {warning: 1s, breach: 2s, clear_ratio: 0.5}
  position_limit: {warning: 1000, breach: 100000000}
"""
METRICS = {
    "risk_compliance_status": {"mandate"},
    "risk_alert_generated": {"rule", "subject", "severity"},
    "risk_monitor_latency": {"source"},
    "risk_threshold_breach": {"rule", "subject", "level"},
}


Scraped = dict[str, list[tuple[dict[str, str], float]]]


@pytest.fixture
def limits() -> Limits:
    return parse_limits(LIMITS, "inline")


@pytest.fixture
def metrics() -> Iterator[MonitorMetrics]:
    served = MonitorMetrics()
    yield served
    served.close()


def scrape(port: int) -> Scraped:
    """/metrics as served, parsed: each sample's (labels, value) by family name, and by sample
    name (a counter's samples are `<name>_total` and `<name>_created`)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    scraped: Scraped = {}
    for family in text_string_to_metric_families(text):
        scraped.setdefault(family.name, [])
        for sample in family.samples:
            scraped[family.name].append((sample.labels, sample.value))
            if sample.name != family.name:
                scraped.setdefault(sample.name, []).append((sample.labels, sample.value))
    return scraped


def value(scraped: Scraped, name: str, **labels: str) -> float:
    samples = [v for got, v in scraped[name] if labels.items() <= got.items()]
    assert len(samples) == 1, (name, labels, scraped[name])
    return samples[0]


def test_live_loop_serves_metrics_then_alerts_when_the_exchange_stops(
    limits: Limits, metrics: MonitorMetrics
) -> None:
    port = metrics.serve(0)
    reports: list[CycleReport] = []
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # the injected sleep: record, then really wait
        slept.append(seconds)
        time.sleep(seconds)

    with serving(BinanceServer()) as server:
        exchange = CcxtExchange("binance", SYMBOLS, api_url=server.url,
                                api_key=BINANCE_TEST_API_KEY, secret=BINANCE_TEST_SECRET,
                                usd_proxy="USDT")  # fmt: skip
        loop = LiveMonitor([exchange], limits, interval=timedelta(milliseconds=250),
                           memory=timedelta(seconds=10), metrics=metrics, sleep=sleep,
                           on_cycle=reports.append)  # fmt: skip
        loop.run(max_cycles=3)
        assert server.calls("/api/v3/account")[0].headers["X-MBX-APIKEY"] == BINANCE_TEST_API_KEY
    assert len(reports) == 3
    assert len(slept) == 2
    assert all(not r.failed_calls for r in reports)
    healthy = scrape(port)
    for name, labels in METRICS.items():
        assert name in healthy
        assert all(set(got) == labels for got, _ in healthy[name] if not got.get("__name__"))
    assert value(healthy, "risk_threshold_breach", rule="data_staleness",
                 subject="market_ticks:BTC/USD", level="warning") == 0  # fmt: skip
    # the wallet is valued through the USDT proxy: 1.5 BTC is above the 1,000 USD warning
    assert value(healthy, "risk_threshold_breach", rule="position_limit",
                 subject="binance:BTC", level="warning") == 1  # fmt: skip
    assert value(healthy, "risk_compliance_status", mandate="firm") == 1
    assert value(healthy, "risk_monitor_latency", source="evaluation") > 0
    assert value(healthy, "risk_monitor_latency", source="prod.market_ticks") < 1
    ticks = loop.window.frames["market_ticks"]
    last_tick = ticks.filter(pl.col("pair") == "BTC/USD")["ts"].max()
    assert isinstance(last_tick, datetime)

    loop.run(max_cycles=14)  # the server is gone: ~3.5 s of refused connections
    events = [e for r in reports for e in r.events if e.event == "raised"]
    stale = _first(events, "data_staleness", "market_ticks:BTC/USD", "warning")
    # raised at the first evaluation past the 1 s level: within one cycle (+ poll time) of it
    assert stale.value is not None
    assert 1.0 <= stale.value < 1.0 + 0.6
    assert (stale.ts - last_tick).total_seconds() == pytest.approx(stale.value)
    assert _first(events, "data_staleness", "market_ticks:BTC/USD", "breach").severity == "high"
    assert _first(events, "api_unavailable", "binance:fetch_ticker", "breach")
    assert _first(events, "data_staleness", "account_balances:binance", "breach")
    assert any("ConnectionRefused" in c or "NetworkError" in c for c in reports[-1].failed_calls)
    down = scrape(port)
    for level in ("warning", "breach"):
        assert value(down, "risk_threshold_breach", rule="data_staleness",
                     subject="market_ticks:BTC/USD", level=level) == 1  # fmt: skip
    assert value(down, "risk_alert_generated_total", rule="data_staleness",
                 subject="market_ticks:BTC/USD", severity="high") == 1  # fmt: skip
    assert value(down, "risk_compliance_status", mandate="firm") == 2
    assert value(down, "risk_monitor_latency", source="prod.market_ticks") > 2


def _first(events: list[AlertEvent], rule: str, subject: str, level: str) -> AlertEvent:
    found = [e for e in events if (e.rule, e.subject, e.level) == (rule, subject, level)]
    assert found, f"no {level} of {rule} on {subject} in {[e.message for e in events]}"
    return found[0]


class _Custodian:
    """A custodian adapter as a deployment would write one; its settlements API is down."""

    name = "custodian"

    def fetch_balances(self) -> pl.DataFrame:
        at = datetime(2030, 1, 1, tzinfo=UTC)  # a clock far ahead: capped at the receive time
        row = {"ts": at, "account_id": "cust_a", "venue": "custodian", "asset": "USD",
               "balance": 5.0, "available_at": None}  # fmt: skip
        return pl.DataFrame([row], schema=ACCOUNT_BALANCES)

    def fetch_settlements(self) -> pl.DataFrame:
        raise ConnectionError("custodian settlements API down")


def test_custodian_adapter_rows_and_failures_become_prod_rows() -> None:
    polled = CustodianPoller(_Custodian()).poll(lambda: datetime.now(UTC))
    balances = polled.account_balances
    assert balances["balance"].to_list() == [5.0]
    assert (balances["ts"] == balances["available_at"]).all()
    assert polled.settlements.schema == SETTLEMENTS
    assert polled.settlements.is_empty()
    status = polled.api_status.sort("endpoint")
    assert status["endpoint"].to_list() == ["balances", "settlements"]
    assert status["ok"].to_list() == [True, False]
    assert "custodian settlements API down" in str(status["error"][1])


def test_cli_monitor_live_prints_alerts_and_the_metrics_url(tmp_path: Path) -> None:
    limits_path = tmp_path / "limits.yaml"
    limits_path.write_text(LIMITS)
    with serving(BinanceServer()) as server:
        result = CliRunner().invoke(
            main,
            ["monitor", "--live", "--exchange", "binance", "--symbols", ",".join(SYMBOLS),
             "--api-url", server.url, "--interval", "100ms", "--metrics-port", "0",
             "--limits", str(limits_path), "--cycles", "3", "--usd-proxy", "USDT"],
            env={"RISKPROOF_EXCHANGE_API_KEY": BINANCE_TEST_API_KEY,
                 "RISKPROOF_EXCHANGE_SECRET": BINANCE_TEST_SECRET},
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "metrics    http://127.0.0.1:" in result.output
    assert "balances   polled" in result.output
    assert "raised  medium position_limit binance:BTC" in result.output
    assert "stopped; compliance: firm warning" in result.output
    assert BINANCE_TEST_API_KEY not in result.output
    assert BINANCE_TEST_SECRET not in result.output
