"""Tables the simulators produce. prod.* tables follow risk_monitor's input contract (same columns);
audit.* tables are internal truth that no production system could see."""

import polars as pl

UTC_US = pl.Datetime("us", "UTC")

# raw.candles and market.candles: one row per candle, `ts` is the candle's OPEN time.
CANDLES = pl.Schema(
    {
        "ts": UTC_US,
        "source": pl.String(),
        "pair": pl.String(),
        "timeframe": pl.String(),
        "open": pl.Float64(),
        "high": pl.Float64(),
        "low": pl.Float64(),
        "close": pl.Float64(),
        "volume": pl.Float64(),
    }
)

# market.candle_repairs: every change the clean-candles stage made to a real candle, and why:
# `wick_clipped` (field high/low, original and clipped price) or `gap_filled` (a flat candle at
# the last close where the source had none; original is null).
CANDLE_REPAIRS = pl.Schema(
    {
        "ts": UTC_US,
        "source": pl.String(),
        "pair": pl.String(),
        "timeframe": pl.String(),
        "repair": pl.String(),
        "field": pl.String(),
        "original": pl.Float64(),
        "repaired": pl.Float64(),
    }
)

# audit.reference_prices: the true price path per pair at replay resolution, after chaos
# (`price`) and without it (`price_clean`), so the judge can measure what was injected.
REFERENCE_PRICES = pl.Schema(
    {"ts": UTC_US, "pair": pl.String(), "price": pl.Float64(), "price_clean": pl.Float64()}
)

# prod.market_ticks: what a market-data feed published, with its publication time.
MARKET_TICKS = pl.Schema(
    {"ts": UTC_US, "pair": pl.String(), "price": pl.Float64(), "available_at": UTC_US}
)

# audit.account_balances: true balances (a row per change); prod.account_balances: the venue
# API's balance snapshots as a poller saw them.
ACCOUNT_TRUTH = pl.Schema(
    {
        "ts": UTC_US,
        "account_id": pl.String(),
        "venue": pl.String(),
        "asset": pl.String(),
        "balance": pl.Float64(),
    }
)
ACCOUNT_BALANCES = pl.Schema(
    {
        "ts": UTC_US,
        "account_id": pl.String(),
        "venue": pl.String(),
        "asset": pl.String(),
        "balance": pl.Float64(),
        "available_at": UTC_US,
    }
)

# Orders a client sends to the exchange (scripted in a scenario, or emitted by a strategy).
# action: new | cancel (cancel names an earlier order_id); side: buy | sell;
# order_type: market | limit; time_in_force: gtc | ioc | post_only; qty in base units;
# limit_price null for market orders and cancels.
ORDER_REQUESTS = pl.Schema(
    {
        "ts": UTC_US,
        "order_id": pl.String(),
        "account_id": pl.String(),
        "pair": pl.String(),
        "action": pl.String(),
        "side": pl.String(),
        "order_type": pl.String(),
        "time_in_force": pl.String(),
        "qty": pl.Float64(),
        "limit_price": pl.Float64(),
    }
)

# audit.exchange_fills: every execution as the matching engine made it (the truth). `fee` is in
# `fee_asset` (the quote asset); liquidity: maker | taker. prod.exchange_fills adds available_at.
FILLS = pl.Schema(
    {
        "ts": UTC_US,
        "fill_id": pl.String(),
        "order_id": pl.String(),
        "account_id": pl.String(),
        "pair": pl.String(),
        "side": pl.String(),
        "price": pl.Float64(),
        "qty": pl.Float64(),
        "fee": pl.Float64(),
        "fee_asset": pl.String(),
        "liquidity": pl.String(),
    }
)

# audit.*_chaos_events: each backdoor window opening (and closing, when it closes before the run
# ends) on a venue, params as sorted JSON.
CHAOS_EVENTS = pl.Schema(
    {
        "ts": UTC_US,
        "venue": pl.String(),
        "injection_id": pl.String(),
        "kind": pl.String(),
        "phase": pl.String(),
        "params": pl.String(),
    }
)

# prod.api_status: one row per poll of a venue API endpoint: ok, or the error the client got (such
# a poll publishes no snapshot rows).
API_STATUS = pl.Schema(
    {
        "ts": UTC_US,
        "venue": pl.String(),
        "endpoint": pl.String(),
        "ok": pl.Boolean(),
        "error": pl.String(),
        "latency_ms": pl.Float64(),
        "available_at": UTC_US,
    }
)
