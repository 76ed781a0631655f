"""`make bench`: stage throughput on a 36 h, 1 s, 8-pair depeg replay, the vectorised risk monitor
against a plain-Python per-tick loop, the exchange engine against a plain-Python per-tick matcher,
and the whole replay through Dagster, cold."""

import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from benchmarks.baseline_monitor import evaluate_per_tick
from benchmarks.cosimulation import cosimulation_timing
from benchmarks.exchange_matching import exchange_timings
from benchmarks.timing import Timing, measure
from correlator import score_scenario
from pipelines import project
from pipelines.resources.catalog import read_scenario
from pipelines.resources.limits import LimitsLibrary
from pipelines.resources.market_source import MarketSource
from risk_monitor import evaluate
from simulators.accounts import account_truth, publish_balances
from simulators.market_data.publish import publish_ticks
from simulators.market_data.replay import reference_prices

SCENARIO_FILE = Path(__file__).with_name("bench_depeg_36h.yaml")
BASELINE_WINDOW = timedelta(hours=2)


def stage_timings() -> tuple[list[Timing], float]:
    scenario = read_scenario(SCENARIO_FILE)
    candles = MarketSource().candles("bundled", scenario.start, scenario.end)
    reference, _ = reference_prices(candles, scenario)
    ticks = publish_ticks(reference, scenario.spec.seed)
    truth = account_truth(scenario.spec.accounts, scenario.start)
    balances = publish_balances(truth, scenario.start, scenario.end, seed=scenario.spec.seed)
    limits = LimitsLibrary().load("default", "bench")
    start, end = ticks.select(start=pl.col("ts").min(), end=pl.col("ts").max()).row(0)
    output = evaluate(ticks, balances, limits, start, end)
    evaluations = output.signals.height
    timings = [
        measure(
            "tick synthesis + chaos",
            reference.height,
            "ticks",
            lambda: reference_prices(candles, scenario),
        ),
        measure("feed publication", ticks.height, "ticks", lambda: publish_ticks(reference, 7)),
        measure(
            f"risk monitor, all {len(limits.rules.configured())} rules (vectorised)",
            evaluations,
            "evaluations",
            lambda: evaluate(ticks, balances, limits, start, end),
        ),
        measure(
            "correlator",
            reference.height,
            "rows",
            lambda: score_scenario(scenario, reference, output.alerts),
        ),
    ]
    account = {row["asset"]: row["balance"] for row in truth.iter_rows(named=True)}
    window_end = start + BASELINE_WINDOW
    window = ticks.filter(ticks["available_at"] <= window_end)
    baseline = measure(
        "risk monitor, drawdown + depeg only (plain-Python per-tick loop, 2 h)",
        evaluate_per_tick(window, account, start, window_end),
        "evaluations",
        lambda: evaluate_per_tick(window, account, start, window_end),
        repeats=3,
    )
    cosim = cosimulation_timing(scenario, reference, candles)
    return [*timings, baseline, cosim], timings[2].rate / baseline.rate


def cold_end_to_end() -> float:
    """A new process, as `riskproof run` is used: imports, Dagster, every stage, warehouse."""
    with tempfile.TemporaryDirectory() as data_dir, tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.cli",
                "--data-dir",
                data_dir,
                "run",
                str(SCENARIO_FILE),
            ],  # fmt: skip
            check=True,
            capture_output=True,
            env={"DAGSTER_HOME": home, "PATH": "/usr/bin:/bin"},
        )
        return time.perf_counter() - started


def main() -> None:
    console = Console(width=None if Console().is_terminal else 120)
    with console.status("benchmarking stages ..."):
        timings, speedup = stage_timings()
    with console.status("benchmarking the exchange ..."):
        exchange, exchange_speedups = exchange_timings()
    with console.status("cold end-to-end replay ..."):
        end_to_end = cold_end_to_end()
    table = Table(title="riskproof benchmarks (USDT depeg: 36 h at 1 s, 8 pairs)")
    for column in ("stage", "units", "median", "min", "max", "per second"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for t in [*timings, *exchange]:
        table.add_row(
            t.name,
            f"{t.units:,} {t.unit}",
            f"{t.median:.3f} s",
            f"{min(t.seconds):.3f} s",
            f"{max(t.seconds):.3f} s",
            f"{t.rate:,.0f}",
        )
    console.print(table)
    console.print(f"vectorised monitor vs per-tick loop: [bold]{speedup:,.1f}x[/] evaluations/s")
    for flow, ratio in exchange_speedups.items():
        console.print(
            f"exchange engine vs per-tick matcher, {flow} flow: [bold]{ratio:,.2f}x[/] orders/s"
        )
    console.print(
        f"cold end-to-end `riskproof run {SCENARIO_FILE.name}` (new process): {end_to_end:.1f} s"
    )
    out = project.EXPORTS_DIR / "bench" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": {"python": platform.python_version(), "platform": platform.platform()},
                "stages": [t.as_dict() for t in timings],
                "monitor_speedup_vs_per_tick_loop": speedup,
                "exchange": [t.as_dict() for t in exchange],
                "exchange_speedup_vs_per_tick_matcher": exchange_speedups,
                "cold_end_to_end_s": end_to_end,
            },
            indent=2,
        )
    )
    console.print(f"written to {out}")


if __name__ == "__main__":
    main()
