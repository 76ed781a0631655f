"""A run's lake tables → timestamped OpenMetrics text, for `promtool tsdb create-blocks-from
openmetrics`. Pure: frames in, text out; samples carry the replay's own event times."""

from collections.abc import Callable, Mapping
from datetime import timedelta

import polars as pl

from pipelines.metrics import audit_series as audit
from pipelines.metrics import risk_series as risk
from pipelines.metrics import strategy_series as strategy
from pipelines.metrics import venue_series as venue
from pipelines.metrics.definitions import ALL, INSTANCE, MetricSpec
from pipelines.metrics.grid import TS, VALUE, Grid

# Every table the export reads, as "<schema>.<table>".
TABLES = (
    "risk.compliance_status",
    "risk.alerts",
    "risk.monitor_telemetry",
    "risk.signals",
    "audit.timeline",
    "audit.scenario_results",
    "audit.effectiveness",
    "audit.causation_chains",
    "audit.coverage",
    "audit.injections",
    "audit.order_requests",
    "audit.exchange_order_events",
    "audit.settlements",
    "audit.exchange_chaos_events",
    "audit.custodian_chaos_events",
    "prod.api_status",
    "prod.strategy_performance",
)
DEFAULT_STEP = timedelta(seconds=60)

Tables = Mapping[str, pl.DataFrame]
Builder = Callable[[Grid, Tables, str], pl.DataFrame]

BUILDERS: dict[str, Builder] = {
    "risk_compliance_status": lambda g, t, s: risk.compliance_status(
        g, t["risk.compliance_status"]
    ),
    "risk_alert_generated": lambda g, t, s: risk.alert_generated(g, t["risk.alerts"]),
    "risk_monitor_latency": lambda g, t, s: risk.monitor_latency(g, t["risk.monitor_telemetry"]),
    "risk_threshold_breach": lambda g, t, s: risk.threshold_breach(g, t["risk.signals"]),
    "scenario_risk_detection": lambda g, t, s: audit.risk_detection(
        g, t["audit.scenario_results"], s
    ),
    "scenario_detection_latency_seconds": lambda g, t, s: audit.detection_latency(
        g, t["audit.scenario_results"], s
    ),
    "scenario_detection_sla_seconds": lambda g, t, s: audit.detection_sla(
        g, t["audit.scenario_results"], s
    ),
    "risk_alert_accuracy": lambda g, t, s: audit.alert_accuracy(g, t["audit.scenario_results"], s),
    "scenario_effectiveness_score": lambda g, t, s: audit.effectiveness(
        g, t["audit.effectiveness"], s
    ),
    "system_causation_chain": lambda g, t, s: audit.causation_chain(
        g, t["audit.causation_chains"], s
    ),
    "system_causation_hop_seconds": lambda g, t, s: audit.causation_hops(
        g, t["audit.causation_chains"], s
    ),
    "audit_coverage": lambda g, t, s: audit.coverage(g, t["audit.coverage"], s),
    "scenario_event_injected": lambda g, t, s: audit.event_injected(g, t["audit.injections"], s),
    "exchange_order_latency_seconds": lambda g, t, s: venue.order_latency(
        g, t["audit.order_requests"], t["audit.exchange_order_events"], s
    ),
    "custodian_settlement_delay_seconds": lambda g, t, s: venue.settlement_delay(
        g, t["audit.settlements"], s
    ),
    "venue_injected_failures": lambda g, t, s: venue.injected_failures(
        g,
        pl.concat([t["audit.exchange_chaos_events"], t["audit.custodian_chaos_events"]]),
        s,
    ),
    "venue_api_up": lambda g, t, s: venue.api_up(g, t["prod.api_status"], s),
    "strategy_pnl_usd": lambda g, t, s: strategy.pnl(g, t["prod.strategy_performance"], s),
}


def run_grid(timeline: pl.DataFrame, step: timedelta) -> Grid:
    """The run's window is its `scenario` span in audit.timeline."""
    span = timeline.filter(pl.col("event") == "scenario")
    if span.is_empty():
        raise ValueError("audit.timeline has no `scenario` span: not a finished run")
    return Grid(span.item(0, TS), span.item(0, "end_ts"), step)


def run_metrics(tables: Tables, scenario_id: str, step: timedelta = DEFAULT_STEP) -> str:
    """The whole OpenMetrics text of one run, ending with `# EOF`."""
    grid = run_grid(tables["audit.timeline"], step)
    blocks = [
        render(spec, BUILDERS[spec.name](grid, tables, scenario_id), scenario_id) for spec in ALL
    ]
    return "".join(blocks) + "# EOF\n"


def render(spec: MetricSpec, samples: pl.DataFrame, instance: str) -> str:
    """One metric family; families with no sample are left out (promtool needs none)."""
    if samples.is_empty():
        return ""
    labels = [*spec.labels, INSTANCE]
    framed = samples.with_columns(pl.lit(instance).alias(INSTANCE)).sort(*labels, TS)
    pairs = [
        pl.format('{}="{}"', pl.lit(name), _escaped(pl.col(name).fill_null(""))) for name in labels
    ]
    line = pl.concat_str(
        pl.lit(spec.sample_name + "{"),
        pl.concat_str(pairs, separator=","),
        pl.lit("} "),
        pl.col(VALUE).cast(pl.String),
        pl.lit(" "),
        pl.col(TS).dt.epoch("s").cast(pl.String),
    )
    body = str(framed.select(line.alias("line")).get_column("line").str.join("\n").item())
    header = f"# HELP {spec.name} {spec.help}\n# TYPE {spec.name} {spec.kind}\n"
    return header + body + "\n"


def _escaped(column: pl.Expr) -> pl.Expr:
    return (
        column.str.replace_all("\\", "\\\\", literal=True)
        .str.replace_all('"', '\\"', literal=True)
        .str.replace_all("\n", "\\n", literal=True)
    )
