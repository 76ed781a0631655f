"""Onsets of venue backdoors: exchange ones open at once; custodian ones once the overdue,
unsettled value in the custodian's own records reaches the material amount."""

from datetime import UTC, datetime, timedelta

import polars as pl

from correlator.onsets import onset_ts
from correlator.truth import Truth
from scenarios.injections import FractionParams, VenueChaos
from scenarios.model import TypedInjection
from simulators.schemas import REFERENCE_PRICES

T0 = datetime(2024, 3, 4, tzinfo=UTC)
HOUR = timedelta(hours=1)


def prices() -> pl.DataFrame:
    """BTC at 50,000 USD every minute for 6 hours."""
    rows = [(T0 + i * timedelta(minutes=1), "BTC/USD", 50_000.0, 50_000.0) for i in range(360)]
    return pl.DataFrame(rows, schema=REFERENCE_PRICES, orient="row")


Moves = list[tuple[datetime, float]]


def settlement(due: datetime, amount: float, moves: Moves) -> tuple[dict[str, object], Moves]:
    return {"asset": "BTC", "amount": amount, "due_at": due}, moves


def truth(*records: tuple[dict[str, object], Moves]) -> Truth:
    utc = pl.Datetime("us", "UTC")
    settlements = pl.DataFrame(
        [{"settlement_id": f"s{n}", **row} for n, (row, _) in enumerate(records)],
        schema={"settlement_id": pl.String(), "asset": pl.String(), "amount": pl.Float64(),
                "due_at": utc},
    )  # fmt: skip
    events = pl.DataFrame(
        [{"ts": ts, "settlement_id": f"s{n}", "moved": moved}
         for n, (_, moves) in enumerate(records) for ts, moved in moves],
        schema={"ts": utc, "settlement_id": pl.String(), "moved": pl.Float64()},
    )  # fmt: skip
    return Truth(prices(), settlements=settlements, settlement_events=events)


STOP = TypedInjection(
    id="stop", target="custodian", kind="settlement_rejects", start_ts=T0 + HOUR,
    params=FractionParams(fraction=1.0),
)  # fmt: skip


def test_an_exchange_backdoor_is_material_when_it_opens() -> None:
    down = TypedInjection(
        id="down", target="exchange", kind="downtime", start_ts=T0 + HOUR, params=VenueChaos()
    )
    assert onset_ts(down, Truth(prices()), 0) == T0 + HOUR


def test_overdue_value_counts_from_due_until_settled() -> None:
    # 12 BTC (600k) due at 1h never settles; 10 BTC (500k) due at 2h settles at 3h: 1.1M 2h..3h
    records = truth(
        settlement(T0 + HOUR, 12.0, []),
        settlement(T0 + 2 * HOUR, -10.0, [(T0 + 3 * HOUR, -10.0)]),
    )
    assert onset_ts(STOP, records, 1_000_000) == T0 + 2 * HOUR
    assert onset_ts(STOP, records, 1_200_000) is None


def test_a_partial_settlement_leaves_its_remainder_overdue() -> None:
    records = truth(settlement(T0 + HOUR, 30.0, [(T0 + 2 * HOUR, 10.0)]))  # 20 BTC = 1M left
    later = STOP.model_copy(update={"start_ts": T0 + 3 * HOUR})
    assert onset_ts(later, records, 1_000_000) == T0 + 3 * HOUR
    assert onset_ts(later, records, 1_000_001) is None
