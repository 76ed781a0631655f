"""audit.causation_chains: injection → material effect → prod-visible → signal → alert, per
expectation, with the time of each hop and how strongly the monitored signal follows the cause.

The strength is the best lagged Pearson correlation between the condition series (from audit
truth: the injected price deviation, the market condition, the overdue value) and the rule's
signal value, over lags 0..SLA: a signal that follows its cause more slowly than the SLA allows is
not the chain the expectation asks for.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from correlator.attribution import attribute, cause_windows
from correlator.conditions import Condition, condition_of
from correlator.monitor_events import rising, severity_rank, signal_changes
from correlator.schemas import CAUSATION_CHAINS
from correlator.spans import digest
from correlator.timeline import trace_key
from correlator.truth import Truth
from correlator.xcorr import lagged_correlation
from scenarios import SEVERITY_RANK, ValidScenario
from scenarios.model import MARKET

# Where a condition of each target first becomes visible to production: the prod table keyed here.
VIEW_OF_TARGET = {"market_data": "market_data", MARKET: "market_data", "custodian": "custodian"}


def causation_chains(
    scenario: ValidScenario,
    results: pl.DataFrame,
    truth: Truth,
    signals: pl.DataFrame,
    alerts: pl.DataFrame,
    prod_views: Mapping[str, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """CAUSATION_CHAINS, one row per expectation in file order. `prod_views` maps "market_data"
    (prod.market_ticks) and "custodian" (prod.settlements) to frames with ts and available_at."""
    causes = cause_windows(scenario, results)
    changes = attribute(rising(signal_changes(signals)), causes)
    raised = attribute(alerts.filter(pl.col("event") == "raised"), causes)
    verdicts = {row["expectation_id"]: row for row in results.iter_rows(named=True)}
    rows = []
    for expectation in scenario.spec.expectations:
        condition = condition_of(scenario, expectation, truth)
        verdict = verdicts[expectation.id]
        view = (prod_views or {}).get(VIEW_OF_TARGET.get(condition.target, ""))
        subject, correlation, lag_s = _strength(condition, signals, expectation.within)
        mine = changes.filter(pl.col("expectation_id") == expectation.id)
        rows.append(
            {
                "expectation_id": expectation.id,
                "trigger": condition.cause,
                "trigger_kind": condition.kind,
                "effect": expectation.alert,
                "effect_subject": subject,
                "injected_ts": None if condition.cause == MARKET else condition.since,
                "onset_ts": verdict["onset_ts"],
                "prod_visible_ts": first_visible(view, verdict["onset_ts"], condition.pairs),
                "signal_change_ts": mine.get_column("ts").min(),
                "first_alert_ts": verdict["first_alert_ts"],
                "alert_attributed": _attributed(raised, verdict),
                "correlation": correlation,
                "lag_s": lag_s,
                "status": verdict["status"],
                "trace_id": digest(32, scenario.id, "trace", trace_key(scenario, expectation.id)),
            }
        )
    return pl.DataFrame(rows, schema=CAUSATION_CHAINS)


def first_visible(
    view: pl.DataFrame | None, onset: datetime | None, pairs: tuple[str, ...]
) -> datetime | None:
    """When production could first see the material condition: the earliest `available_at` of
    a prod row (of the condition's pairs, when the view has pairs) describing a time ≥ onset."""
    if view is None or onset is None:
        return None
    rows = view.lazy().filter(pl.col("ts") >= onset)
    if pairs and "pair" in view.columns:
        rows = rows.filter(pl.col("pair").is_in(list(pairs)))
    first: datetime | None = rows.select(pl.col("available_at").min()).collect().item()
    return first


def _attributed(raised: pl.DataFrame, verdict: dict[str, Any]) -> bool | None:
    """Did the attribution give the alert the verdict counted to this expectation? False means
    another cause (a later onset of the same rule) explains it better: a shared detection."""
    if verdict["first_alert_ts"] is None:
        return None
    counted = raised.filter(
        pl.col("ts") == verdict["first_alert_ts"],
        pl.col("rule") == verdict["rule"],
        severity_rank() >= SEVERITY_RANK[verdict["expected_severity"]],
    ).sort("subject")
    return bool(
        counted.is_empty()
        or counted.row(0, named=True)["expectation_id"] == verdict["expectation_id"]
    )


def _strength(
    condition: Condition, signals: pl.DataFrame, max_lag: timedelta
) -> tuple[str | None, float | None, float | None]:
    """(subject, r, lag in seconds) of the rule's subject whose signal follows the cause best."""
    if condition.series.is_empty():
        return None, None, None
    series = condition.series.select("ts", cause="value").sort("ts")
    best: tuple[str | None, float | None, float | None] = (None, None, None)
    rule_signals = (
        signals.lazy()
        .filter(pl.col("rule") == condition.rule, pl.col("value").is_not_null())
        .select("subject", "ts", "value")
        .collect()
    )
    for (subject,), rows in sorted(rule_signals.group_by("subject"), key=lambda g: str(g[0][0])):
        aligned = rows.select("ts", "value").sort("ts").join_asof(series, on="ts").drop_nulls()
        if aligned.height < 2:
            continue
        step = aligned.get_column("ts").diff().median()
        step_s = step.total_seconds() if isinstance(step, timedelta) and step else 1.0
        found = lagged_correlation(
            aligned.get_column("cause").to_numpy(),
            aligned.get_column("value").to_numpy(),
            int(max_lag.total_seconds() // step_s),
        )
        if found is not None and (best[1] is None or found.correlation > best[1]):
            best = (str(subject), found.correlation, found.lag * step_s)
    return best
