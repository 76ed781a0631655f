"""The monitor's Prometheus metrics, defined once, on a registry of their own.

A dedicated CollectorRegistry (not prometheus_client's global one) so two monitors in one process,
or a test run after another, never collide over metric names, and /metrics shows only the monitor.

- `risk_compliance_status{mandate}`: 0 compliant, 1 warning, 2 breach.
- `risk_alert_generated_total{rule,subject,severity}`: alerts raised (not cleared) since start.
- `risk_monitor_latency{source}` (seconds): source `evaluation` is the wall time of the last
  `evaluate`; a prod table name (`market_ticks`, `account_balances`, ...) is the age of its newest
  visible row at the last evaluation (absent before any row).
- `risk_threshold_breach{rule,subject,level}`: 1 while the level (warning, breach) is in force.
"""

from types import MappingProxyType
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest, start_http_server

COMPLIANCE_CODES = MappingProxyType({"compliant": 0, "warning": 1, "breach": 2})
EVALUATION_SOURCE = "evaluation"


class MonitorMetrics:
    """The four metrics on their own registry, and the HTTP endpoint serving them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.compliance_status = Gauge(
            "risk_compliance_status",
            "Compliance per mandate: 0 compliant, 1 warning, 2 breach.",
            ["mandate"],
            registry=self.registry,
        )
        self.alert_generated = Counter(
            "risk_alert_generated",
            "Alerts raised, per rule, subject and severity.",
            ["rule", "subject", "severity"],
            registry=self.registry,
        )
        self.monitor_latency = Gauge(
            "risk_monitor_latency",
            "Seconds: evaluation wall time (source=evaluation) or age of a source's newest row.",
            ["source"],
            registry=self.registry,
        )
        self.threshold_breach = Gauge(
            "risk_threshold_breach",
            "1 while the level (warning, breach) of a rule on a subject is in force, else 0.",
            ["rule", "subject", "level"],
            registry=self.registry,
        )
        self._server: WSGIServer | None = None

    def exposition(self) -> bytes:
        """What /metrics answers, in the Prometheus text format."""
        return generate_latest(self.registry)

    def serve(self, port: int, host: str = "127.0.0.1") -> int:
        """Serve /metrics on host:port in a daemon thread; port 0 picks a free one. The port."""
        self._server, _ = start_http_server(port, addr=host, registry=self.registry)
        return int(self._server.server_port)

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
