"""Every replay metric, defined once: name, type, help and labels.

The risk_* four carry exactly the names and labels of risk_monitor/live/metrics.py (which cannot
import this: the monitor imports nothing of ours); a unit test keeps the two in step. Every series
of a run's file also gets `instance="<scenario>"`, the label Prometheus adds to what it scrapes, so
runs whose replays overlap in time (market_crash and usdt_depeg both start 2021-05-01) stay apart
and dashboards join production and audit series `on(instance)`.
"""

from dataclasses import dataclass
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge

Kind = Literal["gauge", "counter"]
INSTANCE = "instance"


@dataclass(frozen=True)
class MetricSpec:
    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...]

    @property
    def sample_name(self) -> str:
        """What the series is called in OpenMetrics: counters end in `_total`."""
        return f"{self.name}_total" if self.kind == "counter" else self.name


RISK_MONITOR = (
    MetricSpec(
        "risk_compliance_status",
        "gauge",
        "Compliance per mandate: 0 compliant, 1 warning, 2 breach.",
        ("mandate",),
    ),
    MetricSpec(
        "risk_alert_generated",
        "counter",
        "Alerts raised, per rule, subject and severity.",
        ("rule", "subject", "severity"),
    ),
    MetricSpec(
        "risk_monitor_latency",
        "gauge",
        "Seconds: age of a source's newest visible row (worst over the step).",
        ("source",),
    ),
    MetricSpec(
        "risk_threshold_breach",
        "gauge",
        "1 while the level (warning, breach) of a rule on a subject is in force, else 0.",
        ("rule", "subject", "level"),
    ),
)

CORRELATOR = (
    MetricSpec(
        "scenario_risk_detection",
        "gauge",
        "1 from the expectation's first qualifying alert on (the rule fired), else 0; "
        "status is the correlator's verdict.",
        ("scenario", "expectation", "rule", "status"),
    ),
    MetricSpec(
        "scenario_detection_latency_seconds",
        "gauge",
        "Seconds from material onset to first qualifying alert, from that alert on.",
        ("scenario", "expectation", "rule"),
    ),
    MetricSpec(
        "scenario_detection_sla_seconds",
        "gauge",
        "The expectation's detection SLA in seconds, over the whole run.",
        ("scenario", "expectation", "rule"),
    ),
    MetricSpec(
        "risk_alert_accuracy",
        "gauge",
        "Share of the run's checks (expectations and must-not-fire rules) that passed.",
        ("scenario",),
    ),
    MetricSpec(
        "scenario_effectiveness_score",
        "gauge",
        "The correlator's severity-weighted effectiveness score of the run (0..1).",
        ("scenario",),
    ),
    MetricSpec(
        "system_causation_chain",
        "gauge",
        "Best correlation between the injected condition and the rule's signal; the "
        "correlation label classes it (strong >= 0.7, moderate >= 0.3, weak, none).",
        ("scenario", "expectation", "trigger", "effect", "correlation", "status"),
    ),
    MetricSpec(
        "system_causation_hop_seconds",
        "gauge",
        "Seconds from injection to each hop of the causal chain (onset, prod_visible, "
        "signal_change, first_alert), from that hop on.",
        ("scenario", "expectation", "hop"),
    ),
    MetricSpec(
        "audit_coverage",
        "gauge",
        "1 per rule the run's risk scenario covers; tested and validated say how far.",
        ("scenario", "risk_scenario", "rule", "mode", "tested", "validated"),
    ),
)

COORDINATOR = (
    MetricSpec(
        "scenario_event_injected",
        "gauge",
        "1 while the injection is in force, else 0.",
        ("scenario", "injection", "kind", "target"),
    ),
)

VENUES = (
    MetricSpec(
        "exchange_order_latency_seconds",
        "gauge",
        "Worst seconds from an order request to the exchange's first answer, over the step.",
        ("scenario", "pair", "status"),
    ),
    MetricSpec(
        "custodian_settlement_delay_seconds",
        "gauge",
        "Seconds the oldest settlement past its due time has waited (0 when none is late).",
        ("scenario", "asset"),
    ),
    MetricSpec(
        "venue_injected_failures",
        "counter",
        "Chaos injections that started on a venue (exchange or custodian).",
        ("scenario", "venue", "kind"),
    ),
    MetricSpec(
        "venue_api_up",
        "gauge",
        "1 if every call to the venue endpoint in the step answered, else 0.",
        ("scenario", "venue", "endpoint"),
    ),
)

STRATEGIES = (
    MetricSpec(
        "strategy_pnl_usd",
        "gauge",
        "A strategy account's P&L in USD at venue mids since the strategy started, as the "
        "desk's strategy API showed it.",
        ("scenario", "strategy", "account"),
    ),
)

ALL = RISK_MONITOR + CORRELATOR + COORDINATOR + VENUES + STRATEGIES

# Served only while `riskproof run --metrics-port` replays: a finished run in the lake has no
# state left to export on its own timeline.
LIVE = (
    MetricSpec(
        "scenario_run_state",
        "gauge",
        "1 for the state a scenario's replay is in (pending, running, succeeded, failed), "
        "0 for the others.",
        ("scenario", "state"),
    ),
)
BY_NAME = {m.name: m for m in ALL + LIVE}


def build_registry(
    specs: tuple[MetricSpec, ...] = ALL,
) -> tuple[CollectorRegistry, dict[str, Gauge | Counter]]:
    """The metrics as prometheus-client objects on a registry of their own (for /metrics)."""
    registry = CollectorRegistry()
    made: dict[str, Gauge | Counter] = {}
    for spec in specs:
        labels = (*spec.labels, INSTANCE)
        if spec.kind == "counter":
            made[spec.name] = Counter(spec.name, spec.help, labels, registry=registry)
        else:
            made[spec.name] = Gauge(spec.name, spec.help, labels, registry=registry)
    return registry, made
