"""Issue 11's risk-monitor workload: 10 accounts x 8 pairs, every rule on. The prod tables come
from the reference replay's own run; four more exchange desks' balance polls are published the
way the pipeline publishes them, so the monitor sees ten accounts."""

from datetime import timedelta
from pathlib import Path

import polars as pl

from benchmarks.baseline_monitor import evaluate_per_tick
from benchmarks.timing import Timing, measure
from pipelines.resources.lake import Lake
from pipelines.resources.limits import LimitsLibrary
from pipelines.risk.assets import TELEMETRY_SCRAPE
from risk_monitor import evaluate
from scenarios import ValidScenario
from scenarios.model import Account
from simulators.accounts import account_truth, publish_balances

ACCOUNTS = 10
EXTRA_BALANCES = {"USD": 3e6, "USDT": 1e6, "BTC": 30.0, "ETH": 400.0}
BASELINE_WINDOW = timedelta(hours=2)


def monitor_timings(scenario: ValidScenario, lake_dir: Path, repeats: int) -> tuple[Timing, Timing]:
    """(the vectorised monitor over the whole replay, the per-tick loop over a 2 h window), both
    in ticks: market ticks read per second of evaluation."""
    lake = Lake(root=str(lake_dir))

    def prod(table: str) -> pl.DataFrame:
        return lake.read("prod", table, scenario.id)

    ticks = prod("market_ticks")
    balances = ten_accounts(prod("account_balances"), scenario)
    accounts = balances["account_id"].n_unique()
    limits = LimitsLibrary().load("default", "bench")
    rules = len(limits.rules.configured())
    start, end = ticks.select(start=pl.col("ts").min(), end=pl.col("ts").max()).row(0)
    others = {
        "settlements": prod("settlements"),
        "exchange_orders": prod("exchange_orders"),
        "api_status": prod("api_status"),
    }
    pairs = ticks["pair"].n_unique()
    vectorised = measure(
        f"risk monitor, {accounts} accounts x {pairs} pairs, all {rules} rules (vectorised)",
        ticks.height,
        "ticks",
        # with the telemetry a replay keeps (every scrape interval), as the replay runs it
        lambda: evaluate(
            ticks,
            balances,
            limits,
            start,
            end,
            settlements=others["settlements"],
            exchange_orders=others["exchange_orders"],
            api_status=others["api_status"],
            telemetry_every=TELEMETRY_SCRAPE,
        ),
        repeats=repeats,
    )
    window_end = start + BASELINE_WINDOW
    window = ticks.filter(pl.col("available_at") <= window_end)
    opening = balances.filter(pl.col("ts") == pl.col("ts").min().over("account_id"))
    held = {
        str(a): dict(zip(f["asset"], f["balance"], strict=True))
        for (a,), f in opening.partition_by("account_id", as_dict=True).items()
    }
    baseline = measure(
        f"plain-Python per-tick loop, {len(held)} accounts' drawdown + depeg, 2 h window",
        window.height,
        "ticks",
        lambda: evaluate_per_tick(window, held, start, window_end),
        repeats=3,
    )
    return vectorised, baseline


def ten_accounts(balances: pl.DataFrame, scenario: ValidScenario) -> pl.DataFrame:
    """prod.account_balances with desks added until there are ACCOUNTS accounts."""
    have = balances["account_id"].n_unique()
    extra = [
        Account(id=f"bench_desk_{i}", venue="exchange", balances=EXTRA_BALANCES)
        for i in range(ACCOUNTS - have)
    ]
    if not extra:
        return balances
    polls = publish_balances(
        account_truth(extra, scenario.start), scenario.start, scenario.end, seed=scenario.spec.seed
    )
    return pl.concat([balances, polls.select(balances.columns)]).sort("available_at")
