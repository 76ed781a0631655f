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

# The exchange's order API as the desk saw it: one row per order update. status: accepted |
# rejected | partially_filled | filled | cancelled; filled_qty is cumulative in base units;
# avg_price is null until something filled; reason is null unless the exchange gave one.
EXCHANGE_ORDERS = pl.Schema(
    {
        "ts": UTC_US,
        "order_id": pl.String(),
        "account_id": pl.String(),
        "pair": pl.String(),
        "status": pl.String(),
        "filled_qty": pl.Float64(),
        "avg_price": pl.Float64(),
        "reason": pl.String(),
        "available_at": UTC_US,
    }
)

# The desk's API pollers: one row per call of an endpoint of a venue. ok is whether it answered;
# error is the client's error (null when ok); latency_ms how long the call took.
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

# Outputs (risk.*)
# A signal's state, in this order: the order of its codes.
STATES = ("breach", "no_data", "ok", "warning")
# risk.signals is every rule × subject at every evaluation time (7 M rows for a 36-hour replay)
# over a few dozen names and four states: as strings they were two thirds of the table's memory
# and of the work of building and writing it; as categories they are an integer per row.
SIGNALS = pl.Schema(
    {
        "ts": UTC_US,
        "rule": pl.Categorical(),
        "subject": pl.Categorical(),
        "value": pl.Float64(),
        "warning_level": pl.Float64(),
        "breach_level": pl.Float64(),
        "state": pl.Enum(STATES),
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

# The monitor's own telemetry, long format (one metric per row) so each maps to a labelled gauge.
# component "source": name is a prod table; metrics `data_age_s` (evaluation time − ts of the newest
# visible row; null before any is visible) and `visible_rows` (rows with available_at <= ts).
# component "rule": name is a configured rule; metric `rows_evaluated` (signal rows, i.e. subjects,
# at that evaluation time). All deterministic: wall-clock timing is left to the caller.
MONITOR_TELEMETRY = pl.Schema(
    {
        "ts": UTC_US,
        "component": pl.String(),
        "name": pl.String(),
        "metric": pl.String(),
        "value": pl.Float64(),
    }
)
