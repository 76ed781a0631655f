"""Account truth and the balance poller's view of it."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import polars as pl

from scenarios import ValidScenario
from simulators import BalanceApiLatency, account_truth, publish_balances
from simulators.schemas import ACCOUNT_BALANCES, ACCOUNT_TRUTH

START = datetime(2021, 5, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_truth_is_one_row_per_account_and_asset_at_the_start(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    truth = account_truth(make_scenario().spec.accounts, START)
    assert truth.schema == ACCOUNT_TRUTH
    assert truth.rows() == [
        (START, "custody", "custodian", "ETH", 600.0),
        (START, "desk_a", "exchange", "BTC", 40.0),
        (START, "desk_a", "exchange", "USD", 1_000_000.0),
        (START, "desk_a", "exchange", "USDT", 500_000.0),
    ]


def test_the_poller_snapshots_every_balance_every_ten_seconds(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    truth = account_truth(make_scenario().spec.accounts, START)
    published = publish_balances(truth, START, START + MINUTE, seed=1)
    assert published.schema == ACCOUNT_BALANCES
    assert published.height == 4 * 6
    assert published.equals(published.sort("account_id", "asset", "ts"))
    btc = published.filter(pl.col("asset") == "BTC")
    assert btc["ts"].to_list() == [START + timedelta(seconds=s) for s in range(0, 60, 10)]
    assert (btc["balance"] == 40.0).all()


def test_snapshots_arrive_late_one_latency_per_account_call(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    truth = account_truth(make_scenario().spec.accounts, START)
    published = publish_balances(truth, START, START + timedelta(hours=1), seed=1)
    delay = published.with_columns(
        delay_us=(pl.col("available_at") - pl.col("ts")).dt.total_microseconds()
    )
    assert (delay["delay_us"] > 0).all()
    assert (delay["delay_us"] <= 5_000_000).all()
    # all of desk_a's assets came back in the same API response
    per_call = delay.group_by("account_id", "ts").agg(pl.col("delay_us").n_unique())
    assert (per_call["delay_us"] == 1).all()
    desk_a = delay.filter(pl.col("account_id") == "desk_a")
    assert 130_000 <= desk_a.select(pl.col("delay_us").median()).item() <= 170_000


def test_a_snapshot_shows_the_truth_as_of_its_poll() -> None:
    opening = pl.DataFrame(
        {
            "ts": [START, START + timedelta(seconds=25), START + timedelta(seconds=25)],
            "account_id": ["desk_a"] * 3,
            "venue": ["exchange"] * 3,
            "asset": ["BTC", "BTC", "ETH"],
            "balance": [40.0, 35.0, 10.0],
        },
        schema=ACCOUNT_TRUTH,
    )
    published = publish_balances(opening, START, START + MINUTE, seed=1)
    btc = published.filter(pl.col("asset") == "BTC")["balance"].to_list()
    assert btc == [40.0, 40.0, 40.0, 35.0, 35.0, 35.0]
    eth = published.filter(pl.col("asset") == "ETH")
    assert eth["ts"].min() == START + timedelta(seconds=30)


def test_same_seed_same_snapshots_other_seed_other_latencies(
    make_scenario: Callable[..., ValidScenario],
) -> None:
    truth = account_truth(make_scenario().spec.accounts, START)
    window = (truth, START, START + MINUTE)
    first = publish_balances(*window, seed=2)
    assert first.equals(publish_balances(*window, seed=2))
    assert not first.equals(publish_balances(*window, seed=3))
    slow = publish_balances(
        *window, seed=2, latency=BalanceApiLatency(median=MINUTE, sigma=0.0, cap=MINUTE)
    )
    assert (slow["available_at"] == slow["ts"] + MINUTE).all()


def test_no_accounts_no_snapshots() -> None:
    empty = account_truth([], START)
    assert publish_balances(empty, START, START + MINUTE, seed=1).schema == ACCOUNT_BALANCES
