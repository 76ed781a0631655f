"""Frames the exchange simulator reads and writes. Every timestamp is UTC microseconds.

Audit frames are the venue's internal truth; prod frames are what its API showed a client, each
row with the moment it became visible (`available_at` >= `ts`). FILLS, ACCOUNT_TRUTH,
ACCOUNT_BALANCES, ORDER_REQUESTS and REFERENCE_PRICES are the shared venue contracts in
`simulators.schemas`.
"""

import polars as pl

from simulators.schemas import FILLS, UTC_US

# The opening balances of the exchange's sub-accounts (an asset missing means zero).
OPENING_BALANCES = pl.Schema(
    {"account_id": pl.String(), "asset": pl.String(), "balance": pl.Float64()}
)

# audit.exchange_order_events: every state change of every order request, in engine time.
# action: new | cancel (a cancel request's outcome is a row on the order it names);
# status: accepted | rejected | partially_filled | filled | cancelled;
# filled_qty is cumulative, avg_price its volume-weighted price (null while nothing filled);
# reason (null unless rejected or cancelled): insufficient_balance, unknown_pair, invalid_order,
# duplicate_order_id, post_only_would_cross, exchange_reject, exchange_unavailable,
# unknown_order, order_not_open (both: a cancel that found nothing to cancel; the order it names
# is unchanged), ioc_remainder, liquidity_exhausted, client_cancel.
ORDER_EVENTS = pl.Schema(
    {
        "ts": UTC_US,
        "order_id": pl.String(),
        "account_id": pl.String(),
        "pair": pl.String(),
        "action": pl.String(),
        "status": pl.String(),
        "filled_qty": pl.Float64(),
        "avg_price": pl.Float64(),
        "reason": pl.String(),
    }
)

# audit.exchange_book: the venue's book sampled every `book_sample_every`: the top levels per
# side (level 0 is the best) of synthetic depth and resting client orders, aggregated by price.
BOOK_LEVELS = pl.Schema(
    {
        "ts": UTC_US,
        "pair": pl.String(),
        "side": pl.String(),
        "level": pl.Int32(),
        "price": pl.Float64(),
        "qty": pl.Float64(),
    }
)

# audit.exchange_calibration: how each pair's synthetic book was sized, as medians over the run.
# match: exact | inverse | base | default (see README: "Calibration").
CALIBRATION = pl.Schema(
    {
        "pair": pl.String(),
        "source_pair": pl.String(),
        "match": pl.String(),
        "candle_range_bps": pl.Float64(),
        "half_spread_bps": pl.Float64(),
        "level_step_bps": pl.Float64(),
        "top_level_qty": pl.Float64(),
    }
)

# prod.exchange_orders: the order updates a client received (REST acks, websocket pushes).
PROD_ORDERS = pl.Schema({**ORDER_EVENTS, "available_at": UTC_US})

# prod.exchange_fills: executions as the client's fill feed delivered them.
PROD_FILLS = pl.Schema({**FILLS, "available_at": UTC_US})
