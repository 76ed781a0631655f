"""Tables the audit correlator derives."""

import polars as pl

UTC_US = pl.Datetime("us", "UTC")

# audit.scenario_results: one row per expectation and one per must_not_fire rule.
SCENARIO_RESULTS = pl.Schema(
    {
        "expectation_id": pl.String(),
        "rule": pl.String(),
        "expected_severity": pl.String(),
        "detected": pl.Boolean(),
        "onset_ts": UTC_US,
        "first_alert_ts": UTC_US,
        "latency_s": pl.Float64(),
        "sla_s": pl.Float64(),
        "status": pl.String(),
        "detail": pl.String(),
    }
)
STATUSES = ("PASS", "FAIL_LATE", "FAIL_MISSED", "FAIL_FALSE_POSITIVE")

# audit.unexplained_alerts: raised alerts no expectation asked for ("what fired, and why?").
UNEXPLAINED_ALERTS = pl.Schema(
    {
        "ts": UTC_US,
        "rule": pl.String(),
        "subject": pl.String(),
        "severity": pl.String(),
        "value": pl.Float64(),
        "message": pl.String(),
    }
)

# audit.timeline: every event of a run across components, oldest first. Each event is a span:
# `trace_id` groups what one cause (an injection, a market-caused expectation, or the scenario
# itself for what nothing explains) set off; `parent_span_id` points one hop back up the chain
# (injection → material onset → signal change → alert → verdict). `end_ts` equals `ts` for
# instants and closes windows (an injection, the scenario). Ids are deterministic hashes.
TIMELINE = pl.Schema(
    {
        "ts": UTC_US,
        "end_ts": UTC_US,
        "component": pl.String(),
        "event": pl.String(),
        "subject": pl.String(),
        "rule": pl.String(),
        "cause": pl.String(),
        "detail": pl.String(),
        "trace_id": pl.String(),
        "span_id": pl.String(),
        "parent_span_id": pl.String(),
    }
)

# audit.causation_chains: per expectation, the spec's system_causation_chain{trigger, effect,
# correlation}, with the time of each hop. `correlation` is the best Pearson correlation between
# the condition series and the rule's signal over lags 0..SLA; `lag_s` is that lag.
CAUSATION_CHAINS = pl.Schema(
    {
        "expectation_id": pl.String(),
        "trigger": pl.String(),
        "trigger_kind": pl.String(),
        "effect": pl.String(),
        "effect_subject": pl.String(),
        "injected_ts": UTC_US,
        "onset_ts": UTC_US,
        "prod_visible_ts": UTC_US,
        "signal_change_ts": UTC_US,
        "first_alert_ts": UTC_US,
        "alert_attributed": pl.Boolean(),
        "correlation": pl.Float64(),
        "lag_s": pl.Float64(),
        "status": pl.String(),
        "trace_id": pl.String(),
    }
)

# audit.coverage: the spec's audit_coverage{risk_scenario, tested, validated}, one row per
# expectation (mode "detect"), must_not_fire rule ("stay_silent") and rule of the scenario's
# limits that nothing exercised ("untested").
COVERAGE = pl.Schema(
    {
        "risk_scenario": pl.String(),
        "rule": pl.String(),
        "injection_kind": pl.String(),
        "severity": pl.String(),
        "mode": pl.String(),
        "expectation_id": pl.String(),
        "tested": pl.Boolean(),
        "validated": pl.Boolean(),
    }
)

# audit.effectiveness: one row per run of a scenario; the formula is in correlator/README.md.
EFFECTIVENESS = pl.Schema(
    {
        "expectations": pl.Int64(),
        "passed": pl.Int64(),
        "late": pl.Int64(),
        "missed": pl.Int64(),
        "weight": pl.Float64(),
        "weight_passed": pl.Float64(),
        "detection": pl.Float64(),
        "false_positives": pl.Int64(),
        "penalty": pl.Float64(),
        "score": pl.Float64(),
    }
)

# ground_truth labels: per evaluation time × rule × subject, the monitor's signal beside the truth.
LABELS = pl.Schema(
    {
        "ts": UTC_US,
        "rule": pl.String(),
        "subject": pl.String(),
        "value": pl.Float64(),
        "warning_level": pl.Float64(),
        "breach_level": pl.Float64(),
        "state": pl.String(),
        "label": pl.Boolean(),
        "cause": pl.String(),
        "expectation_id": pl.String(),
    }
)

# ground_truth sweep: per rule × threshold, point-wise and range-based precision/recall.
SWEEP = pl.Schema(
    {
        "rule": pl.String(),
        "threshold": pl.Float64(),
        "level": pl.String(),
        "tp": pl.Int64(),
        "fp": pl.Int64(),
        "fn": pl.Int64(),
        "tn": pl.Int64(),
        "precision": pl.Float64(),
        "recall": pl.Float64(),
        "range_precision": pl.Float64(),
        "range_recall": pl.Float64(),
        "ranges": pl.Int64(),
        "detected_ranges": pl.Int64(),
        "predicted_ranges": pl.Int64(),
        "false_alarm_ranges": pl.Int64(),
        "mean_latency_s": pl.Float64(),
    }
)
