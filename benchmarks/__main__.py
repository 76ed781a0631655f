"""`make bench` (python -m benchmarks [--quick]): issue 11's figures on the reference replay
(36 h at 1 s, 8 pairs, four strategies), each against its goal and a baseline measured in the
same run, the growth table, and one summary; results to data/exports/bench/."""

import argparse
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import simulators
from benchmarks.analytics import analytics_timings
from benchmarks.child import cold_runs
from benchmarks.correlator_timing import correlator_timings
from benchmarks.cosimulation import cosimulation_timings
from benchmarks.exchange_matching import book_timings, exchange_timings
from benchmarks.goals import Figure, summary
from benchmarks.growth import LINEAR_TOLERANCE, Point, grow, growth_ratio, growth_table, verdict
from benchmarks.machine import machine
from benchmarks.monitor_workload import monitor_timings, ten_accounts
from benchmarks.timing import Timing
from benchmarks.workload import SCENARIO_FILE, load_workload
from pipelines import project
from pipelines.resources.lake import Lake
from simulators.compiled import runs_compiled

# Issue 11's reference, not measured here: NautilusTrader replays 106-130 k ticks/s.
NAUTILUS_TICKS_PER_S = 118_000
NAUTILUS = "NautilusTrader ~106-130 k ticks/s (reference, not measured here)"
TEXTBOOK = "textbook Python book"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 7-day growth point")
    quick = parser.parse_args().quick
    repeats = 1 if quick else 3
    console = Console(width=None if Console().is_terminal else 140)
    console.print(f"simulators: {simulators.CORE}")
    workload = load_workload()
    scenario = workload.scenario
    ticks = len(scenario.spec.market.pairs) * int((scenario.end - scenario.start).total_seconds())
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        with console.status(
            f"cold `riskproof run {SCENARIO_FILE.name}`, each in a new process: "
            f"a warm-up, then {repeats} timed ..."
        ):
            reference = cold_runs(SCENARIO_FILE, tmp / "36h", repeats)
        lake_dir = tmp / "36h" / "data" / "lake"
        with console.status("co-simulation core and its pure-Python baseline ..."):
            cosim, cosim_base, steps = cosimulation_timings(
                scenario, workload.reference, workload.candles, repeats
            )
        with console.status("risk monitor, 10 accounts, every rule ..."):
            monitor, monitor_base = monitor_timings(scenario, lake_dir, repeats)
        with console.status("exchange matching ..."):
            book, plain_book, textbook = book_timings(repeats)
            exchange, _ = exchange_timings()
        with console.status("analytics: Polars and DuckDB ..."):
            asof, asof_duck, window, window_duck = _analytics(scenario, lake_dir, repeats)
        with console.status("correlator ..."):
            correlator = correlator_timings(scenario, lake_dir, repeats)
        durations = ["1h"] if quick else ["1h", "7d"]
        with console.status(f"growth: {', '.join(durations)} end to end, each cold ..."):
            points = sorted(
                [Point("36h", reference.median), *grow(SCENARIO_FILE, durations, tmp)],
                key=lambda p: p.hours,
            )
    end_to_end = Timing("end to end, cold `riskproof run`", ticks, "ticks", reference.seconds)
    timings = [end_to_end, cosim, cosim_base, monitor, monitor_base, book, plain_book, textbook]
    timings += exchange
    timings += [asof, asof_duck, window, window_duck, *correlator]
    console.print(_detail(timings))
    console.print(growth_table(points))
    console.print(f"growth verdict: {verdict(points)}")
    console.print(
        f"co-simulation core: {steps / cosim.median:,.0f} steps/s "
        f"({len(scenario.spec.market.pairs)} pairs per step)"
    )
    figures = [
        Figure(
            f"end to end, cold `riskproof run` ({ticks / 1e6:.2f} M ticks), " + reference.spread(),
            end_to_end.median,
            "s",
            10.0,
            higher_is_better=False,
            baseline=NAUTILUS,
            baseline_value=ticks / NAUTILUS_TICKS_PER_S,
            stretch=6.0,
        ),
        Figure(
            "end to end, peak memory (child max RSS)",
            reference.max_rss_bytes,
            "B",
            2**31,
            higher_is_better=False,
        ),
        _vs("co-simulation core", cosim, 250e3, "pure-Python loop", cosim_base),
        _vs(
            "risk monitor, 10 accounts x 8 pairs, all rules",
            monitor,
            1e6,
            "per-tick loop",
            monitor_base,
        ),
        # issue 11: >= 500 k orders/s in plain Python, or >= 10 M if the hot loop is compiled
        _vs("matching: the engine's book, plain Python", plain_book, 500e3, TEXTBOOK, textbook),
        *(
            [_vs("matching: the engine's book, compiled (mypyc)", book, 10e6, TEXTBOOK, textbook)]
            if runs_compiled()
            else []
        ),
        _vs("window work, Polars", window, 10e6, "DuckDB window", window_duck),
        _vs("as-of join, Polars", asof, 50e6, "DuckDB ASOF", asof_duck),
        *[_vs(t.name, t, 10e6) for t in correlator],
    ]
    growth = growth_ratio(points)
    if growth is not None:
        name = f"growth: time per simulated hour, {growth[0]} / 36 h"
        figures.append(Figure(name, growth[1], "x", LINEAR_TOLERANCE, higher_is_better=False))
    console.print(summary(figures))
    out = _write(
        {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": quick,
            "machine": machine(),
            "workload": {"scenario": str(SCENARIO_FILE.name), "ticks": ticks, "steps": steps},
            "figures": [f.as_dict() for f in figures],
            "timings": [t.as_dict() for t in timings],
            "growth": {"points": [p.as_dict() for p in points], "verdict": verdict(points)},
        }
    )
    console.print(f"written to {out} (and a timestamped copy beside it)")


def _vs(
    name: str, timing: Timing, goal: float, baseline: str = "-", base: Timing | None = None
) -> Figure:
    return Figure(
        name,
        timing.rate,
        f"{timing.unit}/s",
        goal,
        higher_is_better=True,
        baseline=baseline,
        baseline_value=None if base is None else base.rate,
    )


def _analytics(scenario: Any, lake_dir: Path, repeats: int) -> tuple[Timing, ...]:
    lake = Lake(root=str(lake_dir))
    ticks = lake.read("prod", "market_ticks", scenario.id)
    balances = ten_accounts(lake.read("prod", "account_balances", scenario.id), scenario)
    return analytics_timings(ticks, balances, max(repeats, 3), duckdb_repeats=1)


def _detail(timings: list[Timing]) -> Table:
    table = Table(title="every measurement (warm-up, then repeats: median, min, max)")
    for column in ("measurement", "units", "repeats", "median", "min", "max", "per second"):
        table.add_column(column, justify="left" if column == "measurement" else "right")
    for t in timings:
        table.add_row(
            t.name,
            f"{t.units:,} {t.unit}",
            str(len(t.seconds)),
            f"{t.median:.3f} s",
            f"{t.fastest:.3f} s",
            f"{t.slowest:.3f} s",
            f"{t.rate:,.0f}",
        )
    return table


def _write(result: dict[str, Any]) -> Path:
    folder = project.EXPORTS_DIR / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2, default=str)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (folder / f"{stamp}.json").write_text(text, encoding="utf-8")
    latest = folder / "latest.json"
    latest.write_text(text, encoding="utf-8")
    return latest


if __name__ == "__main__":
    main()
