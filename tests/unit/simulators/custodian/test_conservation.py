"""Conservation: replaying random fills, nothing is created or lost anywhere, to the last unit.

The system is the custody account, the exchange account (its trading and the custodian's
settlement transfers into it), the exchange's fee account, the market the fills traded against,
and the outside world deposits come from. Trading legs are recomputed here from the fills, not
taken from the simulator, so the test also pins how a fill becomes an obligation.
"""

from collections import defaultdict
from datetime import timedelta
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.custodian import CustodianConfig, CustodianRun, Cycle
from simulators.custodian.units import to_units
from simulators.venues.chaos import ChaosWindow
from tests.unit.simulators.custodian.kit import (
    CYCLES,
    MINUTE,
    OPENING,
    fill,
    hourly,
    instruction,
    run,
    window,
)

Moves = dict[tuple[int, str], int]  # (ts µs, asset) -> units, summed over the whole system

fills_strategy = st.lists(
    st.tuples(
        st.integers(0, 4 * 60 - 1),  # minute of the run
        st.sampled_from(["buy", "sell"]),
        st.floats(1e-6, 2.0),  # qty: arbitrary float sizes, most not a whole number of satoshis
        st.floats(1_000.0, 60_000.0),
        st.floats(0.0, 40.0),
    ),
    min_size=1,
    max_size=20,
)
instructions_strategy = st.lists(
    st.tuples(
        st.integers(0, 6 * 60 - 1), st.sampled_from(["deposit", "withdrawal"]), st.floats(0.01, 150)
    ),
    max_size=4,
)
chaos_strategy = st.lists(
    st.tuples(
        st.sampled_from(
            [
                ("settlement_delay", {"by": "2h"}),
                ("settlement_delay", {"by": "30m"}),
                ("settlement_rejects", {"fraction": 1.0}),
                ("settlement_rejects", {"fraction": 0.5}),
                ("partial_settlement", {"fraction": 0.3}),
                ("custodian_offline", {}),
            ]
        ),
        st.integers(0, 6 * 60 - 10),  # start minute
        st.integers(10, 120),  # length in minutes; every window closes by 8h
    ),
    max_size=3,
)


def _simulate(fills: list[Any], moves: list[Any], chaos: list[Any], cycle: Cycle) -> CustodianRun:
    rows = [
        fill(m * MINUTE, side, qty, price, fee, fill_id=f"f{n}")
        for n, (m, side, qty, price, fee) in enumerate(fills)
    ]
    transfers = [
        instruction(m * MINUTE, f"i{n}", direction, amount)
        for n, (m, direction, amount) in enumerate(moves)
    ]
    windows: list[ChaosWindow] = [
        window(kind, m * MINUTE, (m + length) * MINUTE, f"c{n}", **params)
        for n, ((kind, params), m, length) in enumerate(chaos)
    ]
    config = hourly(cycle)
    return run(rows, chaos=windows, instructions=transfers, hours=12, config=config)


def _trading(fills: list[Any], config: CustodianConfig) -> tuple[Moves, Moves]:
    """The exchange account's trading legs, and the fee account's plus the market's side."""
    exchange: Moves = defaultdict(int)
    others: Moves = defaultdict(int)
    for minute, side, qty, price, fee in fills:
        t = int((minute * MINUTE) / timedelta(microseconds=1))
        sign = 1 if side == "buy" else -1
        base = sign * to_units(qty, config.places("BTC"))
        quote = -sign * to_units(qty * price, config.places("USD"))
        fee_units = to_units(fee, config.places("USD"))
        exchange[(t, "BTC")] += base
        exchange[(t, "USD")] += quote - fee_units
        others[(t, "BTC")] -= base  # the market sold what we bought
        others[(t, "USD")] += fee_units - quote  # fee account gains the fee; the market the rest
    return exchange, others


def _level_changes(result: CustodianRun, config: CustodianConfig) -> Moves:
    """Changes of every published balance level (custody and exchange settlement transfers),
    read back from the floats the simulator published: they must be exact in units."""
    changes: Moves = defaultdict(int)
    start_us = result.balances["ts"].dt.epoch("us").min()
    levels = result.balances.with_columns(t=pl.col("ts").dt.epoch("us") - start_us)
    for (_, _, asset), rows in levels.sort("ts").group_by(
        "account_id", "venue", "asset", maintain_order=True
    ):
        previous = 0
        for t, balance in rows.select("t", "balance").iter_rows():
            units = to_units(balance, config.places(str(asset)))
            assert units / 10 ** config.places(str(asset)) == balance  # the float is exact
            changes[(t, str(asset))] += units - previous
            previous = units
    external = result.ledger.filter(pl.col("venue") == "external")
    for t, asset, units in external.select(
        pl.col("ts").dt.epoch("us") - start_us, "asset", "units"
    ).iter_rows():
        changes[(t, asset)] += units
    return changes


@settings(max_examples=30, deadline=None)
@given(
    fills=fills_strategy,
    moves=instructions_strategy,
    chaos=chaos_strategy,
    cycle=st.sampled_from(CYCLES),
)
def test_every_unit_is_somewhere_at_every_step(
    fills: list[Any], moves: list[Any], chaos: list[Any], cycle: Cycle
) -> None:
    result = _simulate(fills, moves, chaos, cycle)
    config = hourly()
    journal = result.ledger.group_by("entry_id").agg(pl.col("units").sum())
    assert (journal["units"] == 0).all()

    exchange, others = _trading(fills, config)
    everything: Moves = defaultdict(int)
    for moves_ in (exchange, others, _level_changes(result, config)):
        for key, units in moves_.items():
            everything[key] += units
    opening = {asset: to_units(balance, config.places(asset)) for asset, balance in OPENING.items()}
    running: dict[str, int] = defaultdict(int)  # the custody opening rows bring the opening in
    for t, asset in sorted(everything):
        running[asset] += everything[(t, asset)]
        total = running[asset]
        # deposits and withdrawals are balanced by their `external` legs
        assert total == opening.get(asset, 0), f"{asset} at +{t} µs: {total}"


def _final(result: CustodianRun, venue: str, config: CustodianConfig) -> dict[str, int]:
    levels = result.balances.filter(pl.col("venue") == venue).sort("ts").group_by("asset").last()
    return {
        asset: to_units(balance, config.places(asset))
        for asset, balance in levels.select("asset", "balance").iter_rows()
    }


@settings(max_examples=20, deadline=None)
@given(fills=fills_strategy, cycle=st.sampled_from(CYCLES))
def test_once_settled_custody_holds_exactly_what_trading_made(
    fills: list[Any], cycle: Cycle
) -> None:
    result = _simulate(fills, [], [], cycle)
    config = hourly()
    assert set(result.settlements["status"]) <= {"settled"}
    exchange, _ = _trading(fills, config)
    made: dict[str, int] = defaultdict(int)
    for (_, asset), units in exchange.items():
        made[asset] += units
    opening = {asset: to_units(balance, config.places(asset)) for asset, balance in OPENING.items()}
    for asset, units in _final(result, "custodian", config).items():
        assert units - opening[asset] == made[asset]
    # and the exchange account is flat again: the settlement transfers undid its trading
    for asset, units in _final(result, "exchange", config).items():
        assert units == -made[asset]
