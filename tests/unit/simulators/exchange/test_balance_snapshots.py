"""Balance polls read each holding's last change at or before the poll."""

from datetime import UTC, datetime

import polars as pl

from simulators.exchange.api_view import _snapshots
from simulators.schemas import ACCOUNT_BALANCES, ACCOUNT_TRUTH

T0 = datetime(2021, 5, 1, tzinfo=UTC)


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(T0.timestamp() + seconds, tz=UTC)


def truth(rows: list[tuple[int, str, str, float]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [(at(s), account, "exchange", asset, balance) for s, account, asset, balance in rows],
        schema=ACCOUNT_TRUTH,
        orient="row",
    )
    return frame.sort("account_id", "asset", "ts")


def polls(seconds: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"ts": [at(s) for s in seconds], "available_at": [at(s + 1) for s in seconds]}
    ).cast({"ts": ACCOUNT_BALANCES["ts"], "available_at": ACCOUNT_BALANCES["ts"]})


def test_each_poll_shows_the_last_change_at_or_before_it() -> None:
    changes = truth(
        [(0, "a", "BTC", 1.0), (10, "a", "BTC", 2.0), (5, "a", "USD", 7.0), (0, "b", "BTC", 3.0)]
    )
    got = _snapshots(changes, polls([0, 5, 10, 15]))
    assert got.schema == ACCOUNT_BALANCES
    assert got.select("account_id", "asset", "balance").rows() == [
        ("a", "BTC", 1.0), ("a", "BTC", 1.0), ("a", "BTC", 2.0), ("a", "BTC", 2.0),
        ("a", "USD", 7.0), ("a", "USD", 7.0), ("a", "USD", 7.0),
        ("b", "BTC", 3.0), ("b", "BTC", 3.0), ("b", "BTC", 3.0), ("b", "BTC", 3.0),
    ]  # fmt: skip
    assert got["available_at"].to_list()[:4] == [at(1), at(6), at(11), at(16)]


def test_a_holding_changed_only_after_every_poll_shows_nowhere() -> None:
    got = _snapshots(truth([(20, "a", "BTC", 1.0)]), polls([0, 5]))
    assert got.is_empty()
    assert got.schema == ACCOUNT_BALANCES
