"""Exchange and custodian together: every asset's total across the desk's exchange account (with
settlement transfers), its custody account and the exchange's house accounts never changes, and
a healthy custodian leaves the exchange account flat once the last cycle settles."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.custodian import CustodianRun, simulate_custodian
from simulators.custodian.config import CustodianConfig
from simulators.custodian.schemas import INSTRUCTIONS, LINKS
from simulators.exchange import simulate_exchange
from simulators.schemas import ORDER_REQUESTS
from simulators.venues.chaos import ChaosWindow
from simulators.venues.settled import settled_truth, transfer_totals
from tests.unit.simulators.exchange.kit import START, balances, candles, order, walk

HOURS = 3
EXCHANGE_OPENING = {"desk": {"USD": 5_000_000.0, "BTC": 20.0}}
CUSTODY_OPENING = {"custody": {"USD": 20_000_000.0, "BTC": 100.0}}
HOURLY_T0 = CustodianConfig(cycle="T+0", cutoff_every=timedelta(hours=1),
                            t0_processing=timedelta(minutes=5))  # fmt: skip


def totals_at(frames: list[pl.DataFrame], moment: datetime) -> dict[str, float]:
    """Σ balance per asset over every (account, asset) as of `moment`."""
    latest = (
        pl.concat([f.select("ts", "account_id", "asset", "balance") for f in frames])
        .filter(pl.col("ts") <= moment)
        .sort("ts")
        .group_by("account_id", "asset")
        .agg(pl.col("balance").last())
    )
    return dict(latest.group_by("asset").agg(pl.col("balance").sum()).iter_rows())


@dataclass(frozen=True)
class Replay:
    desk: pl.DataFrame  # the exchange account, settlement transfers included
    frames: list[pl.DataFrame]  # every account on both venues, house accounts included
    custodian: CustodianRun


def replay(sizes: list[float], sides: list[str], chaos: list[ChaosWindow]) -> Replay:
    requests = [
        order(120.0 + 300.0 * n, f"o{n}", side, qty)
        for n, (qty, side) in enumerate(zip(sizes, sides, strict=False))
    ]
    exchange = simulate_exchange(
        walk(HOURS * 3600, seed=5), candles(), pl.DataFrame(requests, schema=ORDER_REQUESTS),
        balances(EXCHANGE_OPENING), [], 3, start=START, end=START + timedelta(hours=HOURS),
    )  # fmt: skip
    custodian = simulate_custodian(
        exchange.fills, balances(CUSTODY_OPENING),
        pl.DataFrame([("desk", "custody")], schema=LINKS, orient="row"), INSTRUCTIONS.to_frame(),
        chaos, START, START + timedelta(hours=HOURS), 3, HOURLY_T0,
    )  # fmt: skip
    desk = settled_truth(exchange.balances, transfer_totals(custodian.ledger), "exchange")
    custody = custodian.balances.filter(pl.col("venue") == "custodian")
    return Replay(desk, [desk, custody, exchange.house_balances], custodian)


OPENING = {"USD": 25_000_000.0, "BTC": 120.0}


@settings(max_examples=8, deadline=None)
@given(
    sizes=st.lists(st.floats(0.01, 3.0), min_size=1, max_size=30),
    sides=st.lists(st.sampled_from(["buy", "sell"]), min_size=30, max_size=30),
)
def test_every_asset_is_conserved_across_both_venues_at_every_change(
    sizes: list[float], sides: list[str]
) -> None:
    frames = replay(sizes, sides, []).frames
    changes = pl.concat([f.select("ts") for f in frames]).unique().sort("ts")["ts"]
    for moment in changes:
        totals = totals_at(frames, moment)
        for asset, opening in OPENING.items():
            assert abs(totals.get(asset, 0.0) - opening) <= 1e-9 * opening, (moment, asset)


def test_a_healthy_custodian_leaves_the_exchange_account_flat_after_each_cycle() -> None:
    desk = replay([1.0] * 20, ["buy"] * 20, []).desk
    after_last_settlement = START + timedelta(hours=HOURS - 1, minutes=5)
    final = totals_at([desk], after_last_settlement)
    # the exchange account holds what it opened with plus only the trading of the open cycle
    btc_bought_in_open_cycle = sum(1.0 for n in range(20) if 120 + 300 * n >= (HOURS - 1) * 3600)
    assert abs(final["BTC"] - (EXCHANGE_OPENING["desk"]["BTC"] + btc_bought_in_open_cycle)) < 1e-8


def test_a_custodian_that_rejects_everything_leaves_the_trading_on_the_exchange() -> None:
    stop = ChaosWindow("stop", "settlement_rejects", START, START + timedelta(hours=HOURS),
                       {"fraction": 1.0})  # fmt: skip
    run = replay([1.0] * 20, ["buy"] * 20, [stop]).custodian
    assert run.ledger.filter(pl.col("venue") == "exchange").is_empty()
    assert (run.settlements["status"] != "settled").all()
