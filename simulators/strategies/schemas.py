"""The strategy co-simulation's tables: what each strategy decided (audit), when the chaos ones
ran (audit), and what the desk's strategy API showed of them (prod, with `available_at`)."""

import polars as pl

from simulators.schemas import UTC_US

# audit.strategy_log: one row per order intent a strategy emitted, sent or blocked by its own
# pre-trade checks. decision: submit | blocked; order_id null when blocked.
STRATEGY_LOG = pl.Schema(
    {
        "ts": UTC_US,
        "strategy_id": pl.String(),
        "kind": pl.String(),
        "seq": pl.Int64(),
        "decision": pl.String(),
        "order_id": pl.String(),
        "pair": pl.String(),
        "side": pl.String(),
        "qty": pl.Float64(),
        "reason": pl.String(),
    }
)

# audit.chaos_strategy_status: a chaos strategy switching on and off (status on | off).
CHAOS_STRATEGY_STATUS = pl.Schema(
    {"ts": UTC_US, "strategy_id": pl.String(), "kind": pl.String(), "status": pl.String()}
)

# prod.strategy_performance: the desk's strategy API, sampled: per strategy and asset held, the
# position (the account's balance), the account's P&L in USD at venue mids since the strategy
# started, and its cumulative traded notional in USD.
STRATEGY_PERFORMANCE = pl.Schema(
    {
        "ts": UTC_US,
        "strategy_id": pl.String(),
        "account_id": pl.String(),
        "asset": pl.String(),
        "position": pl.Float64(),
        "pnl_usd": pl.Float64(),
        "turnover_usd": pl.Float64(),
        "available_at": UTC_US,
    }
)
