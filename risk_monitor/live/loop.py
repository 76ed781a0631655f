"""The live loop: poll the sources, keep a rolling window, evaluate it, track alerts, export.

Each cycle evaluates the window on the limits' grid from `now − memory` to `now` and reads only
the newest time. The grid's earlier times are the levels' memory: hysteresis (a level holds until
value < level × clear_ratio) and the drawdown peak are replayed over that stretch by the very same
code as in replay, rather than re-implemented here. Its price is that a value held inside a
level's hysteresis band for longer than `memory` reads as cleared, and a live drawdown's peak is
over `memory` (at most the rule's lookback). Alerts are the changes of the levels in force at the
newest time from one cycle to the next, so they do not depend on the cycle matching the grid.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl

from risk_monitor.levels import LEVELS, SEVERITY
from risk_monitor.limits import Limits
from risk_monitor.live.metrics import COMPLIANCE_CODES, EVALUATION_SOURCE, MonitorMetrics
from risk_monitor.live.polling import Clock, PollSource
from risk_monitor.live.window import RollingWindow, rule_windows
from risk_monitor.monitor import evaluate

Sleep = Callable[[float], None]
# the level states a signal's `state` column implies: breach implies warning, since a breach
# level is never below its warning level and both share the rule's clear_ratio
_IN_FORCE = {"warning": ("warning", "breach"), "breach": ("breach",)}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AlertEvent:
    """A level of a rule on a subject turning on ("raised") or off ("cleared") between cycles."""

    ts: datetime
    rule: str
    subject: str
    level: str
    severity: str
    event: str
    value: float | None
    threshold: float | None

    @property
    def message(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.4g}"
        return f"{self.rule} {self.subject} {shown} ({self.level} {self.threshold:.6g})"


@dataclass(frozen=True, eq=False)
class CycleReport:
    """What one cycle saw: the newest signals, the alert changes, compliance, timings."""

    ts: datetime
    signals: pl.DataFrame
    events: tuple[AlertEvent, ...]
    compliance: dict[str, str]
    evaluation_s: float
    failed_calls: tuple[str, ...]  # "venue:endpoint: error" of this cycle's failed polls


class LiveMonitor:
    """Polls `sources` every `interval` and evaluates `limits` over what they returned."""

    def __init__(
        self,
        sources: Sequence[PollSource],
        limits: Limits,
        *,
        interval: timedelta = timedelta(seconds=1),
        memory: timedelta = timedelta(minutes=5),
        metrics: MonitorMetrics | None = None,
        clock: Clock = utc_now,
        sleep: Sleep = time.sleep,
        on_cycle: Callable[[CycleReport], None] | None = None,
    ) -> None:
        self.sources = list(sources)
        self.limits = limits
        self.interval = interval
        step = limits.evaluation.interval
        # whole grid steps, so the grid's last time is exactly `now`
        self.memory = step * (memory // step)
        self.metrics = metrics or MonitorMetrics()
        self.clock, self.sleep, self.on_cycle = clock, sleep, on_cycle
        self.window = RollingWindow(self.memory + rule_windows(limits) + interval)
        self.in_force: dict[tuple[str, str, str], bool] = {}
        self.last: CycleReport | None = None

    def run(self, max_cycles: int | None = None) -> None:
        """Cycle until `max_cycles` (forever if None), one every `interval` from its start."""
        done = 0
        while max_cycles is None or done < max_cycles:
            started = self.clock()
            report = self.cycle()
            done += 1
            if self.on_cycle is not None:
                self.on_cycle(report)
            if max_cycles is None or done < max_cycles:
                wait = started + self.interval - self.clock()
                self.sleep(max(0.0, wait.total_seconds()))

    def cycle(self) -> CycleReport:
        failed: list[str] = []
        for source in self.sources:
            polled = source.poll(self.clock)
            self.window.add(polled)
            for row in polled.api_status.filter(~pl.col("ok")).iter_rows(named=True):
                failed.append(f"{row['venue']}:{row['endpoint']}: {row['error']}")
        now = self.clock()  # after the polls, so everything just received is visible
        self.window.prune(now)
        frames = self.window.frames
        began = time.perf_counter()  # wall time is what it costs, whatever the injected clock
        output = evaluate(
            frames["market_ticks"],
            frames["account_balances"],
            self.limits,
            now - self.memory,
            now,
            settlements=frames["settlements"],
            api_status=frames["api_status"],
        )
        evaluation_s = time.perf_counter() - began
        newest = pl.col("ts") == output.signals["ts"].max()
        signals = output.signals.filter(newest) if output.signals.height else output.signals
        events = self._track(now, signals)
        compliance = dict(
            output.compliance_status.group_by("mandate", maintain_order=True)
            .last()
            .select("mandate", "status")
            .iter_rows()
        )
        self._export(signals, events, compliance, output.monitor_telemetry, evaluation_s)
        self.last = CycleReport(now, signals, events, compliance, evaluation_s, tuple(failed))
        return self.last

    def _track(self, now: datetime, signals: pl.DataFrame) -> tuple[AlertEvent, ...]:
        events: list[AlertEvent] = []
        seen: set[tuple[str, str, str]] = set()
        for row in signals.iter_rows(named=True):
            for level in LEVELS:
                key = (row["rule"], row["subject"], level)
                seen.add(key)
                active = row["state"] in _IN_FORCE[level]
                if active != self.in_force.get(key, False):
                    events.append(self._event(now, row, level, active))
                self.in_force[key] = active
        for key in [k for k, active in self.in_force.items() if active and k not in seen]:
            # a subject whose rows are gone can hold no level
            rule, subject, level = key
            row = {"rule": rule, "subject": subject, "value": None, f"{level}_level": None}
            events.append(self._event(now, row, level, False))
            self.in_force[key] = False
        return tuple(events)

    @staticmethod
    def _event(now: datetime, row: dict[str, object], level: str, active: bool) -> AlertEvent:
        value, threshold = row["value"], row[f"{level}_level"]
        return AlertEvent(
            ts=now,
            rule=str(row["rule"]),
            subject=str(row["subject"]),
            level=level,
            severity=SEVERITY[level],
            event="raised" if active else "cleared",
            value=value if isinstance(value, float) else None,
            threshold=threshold if isinstance(threshold, float) else None,
        )

    def _export(
        self,
        signals: pl.DataFrame,
        events: tuple[AlertEvent, ...],
        compliance: dict[str, str],
        telemetry: pl.DataFrame,
        evaluation_s: float,
    ) -> None:
        metrics = self.metrics
        for (rule, subject, level), active in self.in_force.items():
            metrics.threshold_breach.labels(rule, subject, level).set(1 if active else 0)
        for event in events:
            if event.event == "raised":
                metrics.alert_generated.labels(event.rule, event.subject, event.severity).inc()
        for mandate, status in compliance.items():
            metrics.compliance_status.labels(mandate).set(COMPLIANCE_CODES[status])
        metrics.monitor_latency.labels(EVALUATION_SOURCE).set(evaluation_s)
        newest = telemetry.filter(
            (pl.col("ts") == telemetry["ts"].max())
            & (pl.col("metric") == "data_age_s")
            & pl.col("value").is_not_null()
        )
        for source, age in newest.select("name", "value").iter_rows():
            metrics.monitor_latency.labels(source).set(age)
