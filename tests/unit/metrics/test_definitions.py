from prometheus_client import Counter, Gauge

from pipelines.metrics.definitions import ALL, BY_NAME, INSTANCE, RISK_MONITOR, build_registry
from risk_monitor.live.metrics import MonitorMetrics


def test_the_risk_metrics_are_the_live_monitors_names_types_and_labels() -> None:
    live = {m.name: m for m in MonitorMetrics().registry.collect()}
    for spec in RISK_MONITOR:
        family = live[spec.name]
        assert family.type == spec.kind
        labels = {k for s in family.samples for k in s.labels}
        assert labels <= set(spec.labels)
    made = MonitorMetrics()
    assert tuple(made.compliance_status._labelnames) == BY_NAME["risk_compliance_status"].labels
    assert tuple(made.alert_generated._labelnames) == BY_NAME["risk_alert_generated"].labels
    assert tuple(made.monitor_latency._labelnames) == BY_NAME["risk_monitor_latency"].labels
    assert tuple(made.threshold_breach._labelnames) == BY_NAME["risk_threshold_breach"].labels


def test_the_spec_names_and_labels_are_kept() -> None:
    assert BY_NAME["scenario_risk_detection"].labels == (
        "scenario",
        "expectation",
        "rule",
        "status",
    )
    assert {"trigger", "effect", "correlation"} <= set(BY_NAME["system_causation_chain"].labels)
    assert {"risk_scenario", "tested", "validated"} <= set(BY_NAME["audit_coverage"].labels)
    assert BY_NAME["scenario_event_injected"].labels == ("scenario", "injection", "kind", "target")
    assert "risk_alert_accuracy" in BY_NAME


def test_every_metric_is_a_prometheus_client_object_on_its_own_registry() -> None:
    registry, made = build_registry()
    assert set(made) == {m.name for m in ALL}
    for spec in ALL:
        assert isinstance(made[spec.name], Counter if spec.kind == "counter" else Gauge)
        assert INSTANCE not in spec.labels
    assert build_registry()[0] is not registry
