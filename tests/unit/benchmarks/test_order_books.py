"""The matching benchmark's two books match as order books must: the textbook baseline in
price-time priority with cancels, and the engine's book over client orders and synthetic depth,
so the figure compares two books that really match."""

from benchmarks.baseline_book import PlainBook, match_plain
from benchmarks.engine_book import engine_requests, match_engine_book
from benchmarks.order_flow import BookOrder, dense_flow


def order(kind: str, order_id: str, side: str, qty: float, price: float | None) -> BookOrder:
    return BookOrder(kind, order_id, side, qty, price, 100.0)


def test_the_textbook_book_fills_best_price_then_oldest_and_skips_cancelled() -> None:
    book = PlainBook()
    for resting in (
        order("limit", "a", "sell", 1.0, 101.0),
        order("limit", "b", "sell", 1.0, 100.5),
        order("limit", "c", "sell", 1.0, 100.5),
        order("cancel", "b", "sell", 0.0, None),
    ):
        book.submit(resting)
    book.submit(order("limit", "t", "buy", 1.5, 100.5))  # c, then rests 0.5 at 100.5
    assert book.fills == 1
    book.submit(order("market", "m", "sell", 0.5, None))  # meets the resting buy
    assert book.fills == 2
    book.submit(order("market", "n", "buy", 5.0, None))  # only a is left
    assert book.fills == 3


def test_a_marketable_order_trades_on_both_books_and_a_passive_one_rests() -> None:
    flow = [
        order("limit", "p", "buy", 1.0, 99.0),  # passive: rests
        order("limit", "x", "sell", 0.5, 98.0),  # crosses the resting buy
    ]
    assert match_plain(flow) == 1
    # the synthetic bid sits at 100 * (1 - 2 bps), above the client's 99: it fills first
    assert match_engine_book(engine_requests(flow)) == 1


def test_the_dense_flow_makes_both_books_trade_and_is_the_same_every_time() -> None:
    flow = dense_flow(5_000)
    assert flow == dense_flow(5_000)
    assert match_plain(flow) > 1_000
    assert match_engine_book(engine_requests(flow)) > 1_000
