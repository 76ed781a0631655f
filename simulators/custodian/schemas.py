"""The custodian simulator's tables: what it takes in, its audit truth and its API (prod) views.

Times are UTC microseconds. Amounts are in whole units of the asset (1.5 BTC is 1.5) as Float64,
converted from the integer smallest units the simulator keeps its books in (see `units.py`), so a
value read back at its asset's decimals is exact.
"""

import polars as pl

from simulators.schemas import ACCOUNT_BALANCES, ACCOUNT_TRUTH, API_STATUS, CHAOS_EVENTS, UTC_US

# ---- inputs -------------------------------------------------------------------------------------

# Custody accounts' balances at the run start.
OPENING_BALANCES = pl.Schema(
    {"account_id": pl.String(), "asset": pl.String(), "balance": pl.Float64()}
)

# Which custody account settles each exchange account's trading (many exchange accounts may
# settle into one custody account; each exchange account settles into exactly one).
LINKS = pl.Schema({"exchange_account_id": pl.String(), "account_id": pl.String()})

# Deposit and withdrawal instructions a desk sends the custodian. amount > 0 in whole units;
# direction: deposit | withdrawal; account_id names a custody account.
INSTRUCTIONS = pl.Schema(
    {
        "ts": UTC_US,
        "instruction_id": pl.String(),
        "account_id": pl.String(),
        "asset": pl.String(),
        "amount": pl.Float64(),
        "direction": pl.String(),
    }
)

# ---- audit (truth) ------------------------------------------------------------------------------

# One row per settlement obligation, in its state at the run end. amount is signed: + moves the
# asset from the exchange account to custody, − from custody to the exchange account;
# settled_amount has the same sign. status: pending | partial | settled | rejected. reason: why the
# last attempt did not settle in full (null once settled cleanly, or never attempted).
SETTLEMENTS = pl.Schema(
    {
        "settlement_id": pl.String(),
        "account_id": pl.String(),
        "exchange_account_id": pl.String(),
        "asset": pl.String(),
        "amount": pl.Float64(),
        "cycle_cutoff": UTC_US,
        "due_at": UTC_US,
        "settled_at": UTC_US,
        "settled_amount": pl.Float64(),
        "status": pl.String(),
        "reason": pl.String(),
    }
)

# Every step in a settlement's life, in order. event: instructed | postponed | deferred | rejected
# | reinstructed | partially_settled | settled; status is the status after the event; moved is
# what this event transferred (signed like amount), settled_amount the running total.
SETTLEMENT_EVENTS = pl.Schema(
    {
        "ts": UTC_US,
        "settlement_id": pl.String(),
        "event": pl.String(),
        "status": pl.String(),
        "moved": pl.Float64(),
        "settled_amount": pl.Float64(),
        "reason": pl.String(),
    }
)

# Double-entry journal of every balance change the custodian makes: each entry_id's legs sum to
# zero in `units` (the asset's smallest unit, exact). Settlement legs: the custody account
# (venue custodian) and the exchange account (venue exchange); deposit/withdrawal legs: the
# custody account and `external` (venue external), the world outside the custodian.
LEDGER = pl.Schema(
    {
        "ts": UTC_US,
        "entry_id": pl.String(),
        "ref_id": pl.String(),
        "account_id": pl.String(),
        "venue": pl.String(),
        "asset": pl.String(),
        "amount": pl.Float64(),
        "units": pl.Int64(),
    }
)

# Deposit/withdrawal lifecycle: one row per status change. status: requested | pending |
# completed | rejected; reason says why a rejection happened (null otherwise).
TRANSFER_EVENTS = pl.Schema(
    {
        "ts": UTC_US,
        "instruction_id": pl.String(),
        "account_id": pl.String(),
        "asset": pl.String(),
        "amount": pl.Float64(),
        "direction": pl.String(),
        "status": pl.String(),
        "reason": pl.String(),
    }
)

# ---- prod (what the custodian's API showed a client) ---------------------------------------------

# prod.settlements: one row per listed settlement per successful poll of the settlements endpoint;
# the columns are the risk monitor's SETTLEMENTS contract.
SETTLEMENT_SNAPSHOTS = pl.Schema(
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

__all__ = [
    "ACCOUNT_BALANCES",
    "ACCOUNT_TRUTH",
    "API_STATUS",
    "CHAOS_EVENTS",
    "INSTRUCTIONS",
    "LEDGER",
    "LINKS",
    "OPENING_BALANCES",
    "SETTLEMENTS",
    "SETTLEMENT_EVENTS",
    "SETTLEMENT_SNAPSHOTS",
    "TRANSFER_EVENTS",
]
