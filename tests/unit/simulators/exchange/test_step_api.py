"""The step API a strategy co-simulation drives: submit at the present, advance time."""

import numpy as np
import pytest

from simulators.time_grid import duration_us, to_us
from tests.unit.simulators.exchange.kit import (
    BTC_PRICE,
    PAIR,
    SECOND,
    START,
    exchange,
    flat,
    order,
    walk,
)

SECOND_US = duration_us(SECOND)


def test_an_order_trades_only_once_time_reaches_its_arrival() -> None:
    venue = exchange(flat())
    venue.submit(order(10, "o", "buy", 0.5), START + 10 * SECOND)
    assert not venue.records.fills  # in flight: entry latency
    venue.advance(START + 11 * SECOND)
    assert venue.records.fills.order_id == ["o"]
    assert venue.mid(PAIR, venue.clock_us) > BTC_PRICE  # pushed from the next tick on


def test_a_resting_order_shows_in_the_client_book() -> None:
    venue = exchange(flat())
    venue.submit(order(10, "bid", "buy", 2.0, kind="limit", limit=55_000.0), START + 10 * SECOND)
    venue.advance(START + 12 * SECOND)
    assert venue.client_book(PAIR).levels("buy", 5) == [(55_000.0, 2.0)]


def test_time_runs_forward_and_orders_go_at_their_own_time() -> None:
    venue = exchange(flat())
    venue.advance(START + 20 * SECOND)
    with pytest.raises(ValueError, match="forward"):
        venue.advance(START + 10 * SECOND)
    with pytest.raises(ValueError, match="ts"):
        venue.submit(order(25, "o"), START + 30 * SECOND)


def test_a_mid_is_remembered_only_until_the_impact_moves() -> None:
    # The engine remembers the mid per pair and tick: a later push must still show in it.
    venue = exchange(flat())
    later = to_us(START + 20 * SECOND)
    assert venue.mid(PAIR, later) == BTC_PRICE
    venue.impact[PAIR].push(to_us(START + 10 * SECOND), 0.001)
    assert venue.mid(PAIR, later) > BTC_PRICE


def test_a_mid_read_after_any_gap_is_the_one_a_fresh_cursor_finds() -> None:
    # The cursor steps to the next tick, looks a few ticks ahead, or searches the whole path:
    # each must land on the tick a cursor that has never moved finds.
    path = walk(400, seed=5)
    venue = exchange(path)
    rng = np.random.default_rng(9)
    moment = to_us(START) - 3 * SECOND_US
    for gap in rng.choice([0, 1, 2, 7, 31, 32, 33, 90], size=300):
        moment += int(gap) * SECOND_US + int(rng.integers(0, SECOND_US))
        assert venue.mid(PAIR, moment) == exchange(path).mid(PAIR, moment)
