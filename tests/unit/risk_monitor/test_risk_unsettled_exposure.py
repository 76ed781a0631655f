"""unsettled_exposure: overdue, open settlements as the custodian's API showed them, in USD."""

from datetime import UTC, datetime, timedelta

import polars as pl

from risk_monitor import MonitorOutput, evaluate, limits_from_mapping
from risk_monitor.schemas import ACCOUNT_BALANCES, MARKET_TICKS, SETTLEMENTS

T0 = datetime(2024, 3, 4, tzinfo=UTC)
LIMITS = limits_from_mapping(
    {
        "version": 1,
        "rules": {"unsettled_exposure": {"warning": 100.0, "breach": 200.0, "clear_ratio": 0.5}},
    },
    "test",
)
TICKS = pl.DataFrame(
    [(T0, "BTC/USD", 10.0, T0)], schema=MARKET_TICKS, orient="row"
)  # one BTC is 10 USD throughout
NO_BALANCES = ACCOUNT_BALANCES.to_frame()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def snapshot(
    seen: float, settlement: str, amount: float, settled: float, status: str, due: float
) -> tuple[object, ...]:
    """A poll at second `seen` showing one settlement of BTC for custody account cust_a."""
    return (at(seen), settlement, "cust_a", "BTC", amount, settled, status, at(due), at(seen))


def run(*rows: tuple[object, ...], until: float = 10) -> MonitorOutput:
    settlements = pl.DataFrame(list(rows), schema=SETTLEMENTS, orient="row")
    return evaluate(TICKS, NO_BALANCES, LIMITS, at(0), at(until), settlements=settlements)


def values(output: MonitorOutput) -> list[float]:
    return output.signals.filter(pl.col("rule") == "unsettled_exposure")["value"].to_list()


def test_nothing_counts_before_it_is_due() -> None:
    # 15 BTC (150 USD) due at second 4, still pending at every poll
    output = run(
        snapshot(0, "s1", 15.0, 0.0, "pending", 4), snapshot(6, "s1", 15.0, 0.0, "pending", 4)
    )
    assert values(output) == [0.0] * 4 + [150.0] * 7


def test_edges_of_the_levels_raise_and_clear_with_hysteresis() -> None:
    output = run(
        snapshot(0, "s1", 9.9, 0.0, "pending", 1),  # 99 USD: just below warning
        snapshot(2, "s1", 10.0, 0.0, "pending", 1),  # exactly 100: warning
        snapshot(4, "s1", 20.0, 0.0, "pending", 1),  # exactly 200: breach
        snapshot(6, "s1", 20.0, 10.5, "partial", 1),  # 95 left: above 100 × 0.5, warning holds
        snapshot(8, "s1", 20.0, 20.0, "settled", 1),  # settled: nothing left
    )
    alerts = output.alerts.select("ts", "severity", "event").rows()
    assert alerts == [
        (at(2), "medium", "raised"),
        (at(4), "high", "raised"),
        (at(6), "high", "cleared"),
        (at(8), "medium", "cleared"),
    ]


def test_a_custodian_that_stops_answering_leaves_its_last_view_ageing() -> None:
    # the last poll at second 1 shows two settlements not yet due; no poll after that
    output = run(
        snapshot(1, "s1", 12.0, 0.0, "pending", 3), snapshot(1, "s2", -9.0, 0.0, "rejected", 5)
    )
    assert values(output) == [0.0] * 3 + [120.0] * 2 + [210.0] * 6


def test_a_settled_snapshot_ends_the_exposure_and_signs_do_not_cancel() -> None:
    output = run(
        snapshot(0, "s1", 12.0, 0.0, "pending", 0),
        snapshot(0, "s2", -12.0, 0.0, "pending", 0),
        snapshot(5, "s1", 12.0, 12.0, "settled", 0),
        snapshot(5, "s2", -12.0, 0.0, "pending", 0),
    )
    assert values(output) == [240.0] * 5 + [120.0] * 6


def test_a_grace_period_lets_a_healthy_cycle_settle_without_counting() -> None:
    graced = limits_from_mapping(
        {
            "version": 1,
            "rules": {
                "unsettled_exposure": {
                    "warning": 100.0, "breach": 200.0, "clear_ratio": 0.5, "grace": "3s"
                }
            },
        },
        "test",
    )  # fmt: skip
    rows = [snapshot(0, "s1", 15.0, 0.0, "pending", 2), snapshot(4, "s1", 15.0, 15.0, "settled", 2)]
    settlements = pl.DataFrame(rows, schema=SETTLEMENTS, orient="row")
    healthy = evaluate(TICKS, NO_BALANCES, graced, at(0), at(10), settlements=settlements)
    assert healthy.alerts.is_empty()
    assert set(values(healthy)) <= {0.0}  # nothing was ever overdue: no subject at all
    late = evaluate(TICKS, NO_BALANCES, graced, at(0), at(10), settlements=settlements[:1])
    assert values(late) == [0.0] * 5 + [150.0] * 6  # due at 2 s, counted from 5 s
