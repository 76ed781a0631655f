"""Each backdoor: what the custodian's API showed a client, and the audit record of it."""

import json

import polars as pl

from tests.unit.simulators.custodian.kit import (
    HOUR,
    MINUTE,
    START,
    events_of,
    latest,
    overdue,
    run,
    sid,
    steady_buying,
    visible,
    window,
)


def test_settlement_delay_postpones_what_falls_due_in_the_window() -> None:
    delay = window("settlement_delay", 2 * HOUR, 4 * HOUR, "slow", by="6h")
    result = run(steady_buying(4), chaos=[delay], hours=14)
    settled_at = dict(result.settlements.select("settlement_id", "settled_at").iter_rows())
    # cutoffs at 1h and 2h fall due at 2h and 3h, inside the window: each waits 6 hours
    assert settled_at[sid("BTC", 1)] == START + 8 * HOUR
    assert settled_at[sid("USD", 2)] == START + 9 * HOUR
    assert settled_at[sid("BTC", 3)] == START + 4 * HOUR  # due at 4h, after the window
    # a client saw it overdue and pending the whole time, then settled
    late = overdue(result.prod_settlements, START + 7 * HOUR)
    assert set(late["settlement_id"]) == {sid(a, h) for a in ("BTC", "USD") for h in (1, 2)}
    assert set(late["status"]) == {"pending"}
    assert overdue(result.prod_settlements, START + 9 * HOUR + MINUTE).is_empty()
    # the audit names the backdoor at the moment it acted
    postponed = result.settlement_events.filter(pl.col("event") == "postponed")
    assert postponed.height == 4
    assert set(postponed["reason"]) == {"settlement_delay slow: by 6h"}
    assert events_of(result, sid("BTC", 1)) == [
        ("instructed", "pending"),
        ("postponed", "pending"),
        ("settled", "settled"),
    ]
    assert result.chaos_events.select("ts", "injection_id", "kind", "phase", "params").rows() == [
        (START + 2 * HOUR, "slow", "settlement_delay", "start", '{"by": "6h"}'),
        (START + 4 * HOUR, "slow", "settlement_delay", "end", '{"by": "6h"}'),
    ]


def test_rejected_settlements_are_reinstructed_at_the_next_cycle() -> None:
    rejects = window("settlement_rejects", 2 * HOUR, 4 * HOUR, "no", fraction=1.0)
    result = run(steady_buying(2), chaos=[rejects], hours=8)
    first = sid("BTC", 1)
    assert events_of(result, first) == [
        ("instructed", "pending"),
        ("rejected", "rejected"),  # due 2h
        ("reinstructed", "pending"),
        ("rejected", "rejected"),  # 3h, still inside the window
        ("reinstructed", "pending"),
        ("settled", "settled"),  # 4h: the window has closed
    ]
    reasons = result.settlement_events.filter(pl.col("event") == "rejected")["reason"]
    assert set(reasons) == {"rejected by the custodian (settlement_rejects no)"}
    # the client saw the same settlement rejected, then settled; never a duplicate
    seen = latest(result.prod_settlements, START + 2 * HOUR + 30 * MINUTE)
    assert seen.filter(pl.col("settlement_id") == first)["status"].to_list() == ["rejected"]
    assert latest(result.prod_settlements, START + 5 * HOUR)["status"].unique().to_list() == [
        "settled"
    ]


def test_a_fraction_of_settlements_is_rejected_the_same_way_for_the_same_seed() -> None:
    rejects = window("settlement_rejects", 0 * HOUR, 40 * HOUR, "some", fraction=0.5)

    def first_attempt_rejected(seed: int) -> set[str]:
        result = run(steady_buying(30, qty=0.01), chaos=[rejects], hours=40, seed=seed)
        events = result.settlement_events.filter(pl.col("event") != "instructed")
        firsts = events.group_by("settlement_id", maintain_order=True).first()
        return set(firsts.filter(pl.col("event") == "rejected")["settlement_id"])

    rejected = first_attempt_rejected(seed=1)
    assert 15 <= len(rejected) <= 45  # of 60 settlements, about half
    assert first_attempt_rejected(seed=1) == rejected
    assert first_attempt_rejected(seed=2) != rejected


def test_partial_settlement_moves_a_share_and_leaves_the_rest_pending() -> None:
    partial = window("partial_settlement", 2 * HOUR, 3 * HOUR, "half", fraction=0.25)
    result = run(steady_buying(1), chaos=[partial], hours=6)
    btc = sid("BTC", 1)  # 0.6 BTC due at 2h
    seen = latest(result.prod_settlements, START + 2 * HOUR + 30 * MINUTE)
    row = seen.filter(pl.col("settlement_id") == btc).row(0, named=True)
    assert (row["status"], row["amount"], row["settled_amount"]) == ("partial", 0.6, 0.15)
    assert overdue(result.prod_settlements, START + 2 * HOUR + 30 * MINUTE).height == 2
    # the remainder goes at the next batch, after the window
    final = result.settlements.filter(pl.col("settlement_id") == btc).row(0, named=True)
    assert (final["status"], final["settled_amount"]) == ("settled", 0.6)
    assert final["settled_at"] == START + 3 * HOUR
    moved = result.settlement_events.filter(pl.col("settlement_id") == btc, pl.col("moved") != 0)
    assert moved.select("event", "moved").rows() == [
        ("partially_settled", 0.15),
        ("settled", 0.45),
    ]
    assert moved["reason"][0] == "partial_settlement half: 0.25 of the remainder"


def test_offline_custodian_answers_503_publishes_nothing_and_resumes_after() -> None:
    offline = window("custodian_offline", 2 * HOUR, 3 * HOUR + 30 * MINUTE, "down")
    result = run(steady_buying(3), chaos=[offline], hours=8)
    during = pl.col("ts").is_between(START + 2 * HOUR, START + 3 * HOUR + 30 * MINUTE, "left")
    failed = result.api_status.filter(during)
    assert failed.height == 2 * 90  # both endpoints, every minute for 90 minutes
    assert not failed["ok"].any()
    assert set(failed["error"]) == {"HTTP 503 Service Unavailable: custodian offline"}
    assert result.api_status.filter(~during)["ok"].all()
    for prod in (result.prod_balances, result.prod_settlements):
        assert prod.filter(during).is_empty()
    # a client's newest balance view went stale at the last poll before the outage
    stale = visible(result.prod_balances, START + 3 * HOUR + 20 * MINUTE)
    assert stale["ts"].max() == START + 2 * HOUR - MINUTE
    # what fell due while offline (2h, 3h) settled when it came back
    resumed = result.settlements.filter(pl.col("due_at") < START + 3 * HOUR + 30 * MINUTE)
    assert set(resumed["settled_at"]) == {START + 3 * HOUR + 30 * MINUTE}
    deferred = result.settlement_events.filter(pl.col("event") == "deferred")
    assert set(deferred["reason"]) == {"custodian offline until 2021-05-01T03:30:00Z"}
    params = json.loads(result.chaos_events["params"][0])
    assert params == {}
