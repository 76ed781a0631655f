"""The audit book: synthetic depth and resting client orders, merged by price, best first."""

import polars as pl

from tests.unit.simulators.exchange.kit import SECOND, START, flat, order, run


def test_book_samples_every_ten_seconds_with_levels_best_first() -> None:
    book = run(flat(), []).book
    assert book["ts"].unique().len() == 60
    asks = book.filter((pl.col("ts") == START) & (pl.col("side") == "ask")).sort("level")
    bids = book.filter((pl.col("ts") == START) & (pl.col("side") == "bid")).sort("level")
    assert asks["level"].to_list() == [0, 1, 2, 3, 4]
    assert asks["price"].is_sorted()
    assert bids["price"].is_sorted(descending=True)
    assert bids["price"][0] < asks["price"][0]


def test_a_resting_client_order_joins_the_sampled_book() -> None:
    inside = 55_860.0  # inside the synthetic spread: it becomes the best bid
    book = run(flat(), [order(5, "bid", "buy", 3.0, kind="limit", limit=inside)]).book
    best = book.filter((pl.col("side") == "bid") & (pl.col("level") == 0))
    assert best.filter(pl.col("ts") == START)["price"].item() != inside
    assert best.filter(pl.col("ts") == START + 10 * SECOND).select("price", "qty").row(0) == (
        inside,
        3.0,
    )
