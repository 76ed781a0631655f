"""The risk monitor's production API contract: the prod tables it consumes and the tables it emits.

Everything here is what a production deployment would see; nothing refers to simulation or audit.
Times are UTC microseconds: `ts` is when something happened, `available_at` when an API showed it.
"""

import polars as pl

UTC_US = pl.Datetime("us", "UTC")

# Inputs (prod.*)
MARKET_TICKS = pl.Schema(
    {"ts": UTC_US, "pair": pl.String(), "price": pl.Float64(), "available_at": UTC_US}
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

# The custodian's settlement API, polled: one row per settlement per poll. amount is signed (the
# direction of the transfer); status: pending | partial | settled | rejected.
SETTLEMENTS = pl.Schema(
    {
        "ts": UTC_US,
        "settlement_id": pl.String(),
        "account_id": pl.String(),
        "asset": pl.String(),
        "amount": pl.Float64(),
        "settled_amount": pl.Float64(),
        "status": pl.String(),
        "due_at": UTC_US,
        "available_at": UTC_US,
    }
)

# Outputs (risk.*)
SIGNALS = pl.Schema(
    {
        "ts": UTC_US,
        "rule": pl.String(),
        "subject": pl.String(),
        "value": pl.Float64(),
        "warning_level": pl.Float64(),
        "breach_level": pl.Float64(),
        "state": pl.String(),
    }
)
ALERTS = pl.Schema(
    {
        "ts": UTC_US,
        "rule": pl.String(),
        "subject": pl.String(),
        "severity": pl.String(),
        "event": pl.String(),
        "value": pl.Float64(),
        "threshold": pl.Float64(),
        "message": pl.String(),
    }
)
COMPLIANCE_STATUS = pl.Schema(
    {"ts": UTC_US, "mandate": pl.String(), "status": pl.String(), "rules_in_breach": pl.String()}
)
