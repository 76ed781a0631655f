"""Same inputs and seed, identical frames; another seed, other latencies."""

from dataclasses import fields

import polars as pl

from simulators.exchange import ExchangeRun
from tests.unit.simulators.exchange.kit import cancel, order, run, walk, window

ROWS = [
    order(5, "m", "buy", 2.0),
    order(9, "l", "sell", 3.0, kind="limit", limit=55_800.0),
    order(12, "g", "buy", 1.0, kind="limit", limit=55_700.0),
    order(14, "r", "sell", 1.0, kind="limit", limit=56_500.0),
    cancel(200, "r"),
    order(250, "late", "buy", 0.3),
]
CHAOS = [
    window("latency_spike", 100, 160, factor=20),
    window("order_rejects", 240, 260, fraction=0.5),
    window("downtime", 300, 330),
]


def frames(result: ExchangeRun) -> dict[str, pl.DataFrame]:
    return {f.name: getattr(result, f.name) for f in fields(result)}


def test_same_seed_same_frames() -> None:
    first = frames(run(walk(600, 3), ROWS, chaos=CHAOS, seed=5))
    second = frames(run(walk(600, 3), ROWS, chaos=CHAOS, seed=5))
    for name, frame in first.items():
        assert frame.equals(second[name]), name
        assert not frame.is_empty(), name


def test_another_seed_draws_other_latencies() -> None:
    first = run(walk(600, 3), ROWS, chaos=CHAOS, seed=5).prod_orders
    second = run(walk(600, 3), ROWS, chaos=CHAOS, seed=6).prod_orders
    assert not first["available_at"].equals(second["available_at"])


def test_every_prod_row_is_visible_no_earlier_than_it_happened() -> None:
    result = run(walk(600, 3), ROWS, chaos=CHAOS, seed=5)
    for frame in (result.prod_orders, result.prod_fills, result.prod_balances, result.api_status):
        assert (frame["available_at"] >= frame["ts"]).all()
