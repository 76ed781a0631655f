"""simulate_custodian: exchange fills, balances, links and instructions in; audit and prod out."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from simulators.custodian.api import (
    api_calls,
    balance_snapshots,
    settlement_snapshots,
)
from simulators.custodian.book import Book
from simulators.custodian.chaos import CustodianChaos, chaos_events
from simulators.custodian.config import CustodianConfig
from simulators.custodian.cycles import SettlementCalendar
from simulators.custodian.engine import Scheduler, Venue
from simulators.custodian.obligations import cycle_obligations, fill_legs
from simulators.custodian.schemas import LINKS, OPENING_BALANCES
from simulators.custodian.settlement import SettlementDesk
from simulators.custodian.transfers import TransferDesk, check_instructions
from simulators.custodian.units import to_units
from simulators.time_grid import to_us
from simulators.venues.chaos import ChaosWindow

DEFAULT_CONFIG = CustodianConfig()


@dataclass(frozen=True)
class CustodianRun:
    """Audit truth: settlements, settlement_events, balances, ledger, transfers, chaos_events.
    Prod (what the API showed): prod_settlements, prod_balances, api_status."""

    settlements: pl.DataFrame
    settlement_events: pl.DataFrame
    balances: pl.DataFrame
    ledger: pl.DataFrame
    transfers: pl.DataFrame
    chaos_events: pl.DataFrame
    prod_settlements: pl.DataFrame
    prod_balances: pl.DataFrame
    api_status: pl.DataFrame


def simulate_custodian(
    fills: pl.DataFrame,
    opening_balances: pl.DataFrame,
    links: pl.DataFrame,
    instructions: pl.DataFrame,
    chaos: Sequence[ChaosWindow],
    start: datetime,
    end: datetime,
    seed: int,
    config: CustodianConfig = DEFAULT_CONFIG,
) -> CustodianRun:
    """The custodian over [start, end): settle the linked exchange accounts' trading per cycle,
    process deposits and withdrawals, apply the chaos windows, and publish its API views.

    Same inputs, same frames, byte for byte. Raises ValueError naming the first bad input row.
    """
    if to_us(end) <= to_us(start):
        raise ValueError(f"end {end} is not after start {start}")
    parsed_chaos = CustodianChaos.of(chaos)
    opening, links = _checked_opening(opening_balances), _checked_links(links)
    custody_accounts = set(opening["account_id"]) | set(links["account_id"])
    instructions = check_instructions(instructions, custody_accounts, start, end)
    legs = fill_legs(fills, config)
    if not legs.filter(~pl.col("ts").is_between(start, end, closed="left")).is_empty():
        raise ValueError(f"fills must fall inside the run [{start}, {end})")
    calendar = SettlementCalendar.of(config)
    # a cycle whose cutoff is not inside the run is still open: nothing to instruct yet
    obligations = cycle_obligations(legs, links, calendar).filter(pl.col("cycle_cutoff") < end)

    venue = Venue(
        config, calendar, parsed_chaos, Book(config, to_us(start)), Scheduler(to_us(end)), seed
    )
    for account_id, asset, balance in opening.iter_rows():
        venue.book.open(account_id, asset, to_units(balance, config.places(asset)))
    for exchange_account_id, asset in (
        obligations.select("exchange_account_id", "asset").unique(maintain_order=True).iter_rows()
    ):
        venue.book.track_exchange(exchange_account_id, asset)
    settling, transferring = SettlementDesk(venue, obligations), TransferDesk(venue, instructions)
    settling.schedule()
    transferring.schedule()
    venue.scheduler.run()

    settlements, settlement_events = settling.frames()
    balances = venue.book.truth()
    calls = api_calls(start, end, parsed_chaos, seed, config)
    return CustodianRun(
        settlements=settlements,
        settlement_events=settlement_events,
        balances=balances,
        ledger=venue.book.ledger(),
        transfers=transferring.frame(),
        chaos_events=chaos_events(chaos, end),
        prod_settlements=settlement_snapshots(
            settlements, settlement_events, calls, config.settled_listed_for
        ),
        prod_balances=balance_snapshots(balances, calls),
        api_status=calls,
    )


def _checked_opening(opening_balances: pl.DataFrame) -> pl.DataFrame:
    frame = opening_balances.select(OPENING_BALANCES.names()).cast(OPENING_BALANCES)
    bad = frame.filter(
        ~(pl.col("balance").is_finite() & (pl.col("balance") >= 0)).fill_null(True)
        | pl.struct("account_id", "asset").is_duplicated()
    )
    if not bad.is_empty():
        account_id, asset, balance = bad.row(0)
        raise ValueError(
            f"opening balance {account_id}/{asset} = {balance}: must be one finite, "
            "non-negative balance per account and asset"
        )
    return frame.sort("account_id", "asset")


def _checked_links(links: pl.DataFrame) -> pl.DataFrame:
    frame = links.select(LINKS.names()).cast(LINKS)
    twice = frame.filter(pl.col("exchange_account_id").is_duplicated())
    if not twice.is_empty():
        raise ValueError(
            f"exchange account {twice['exchange_account_id'][0]!r} is linked to more than one "
            "custody account; each settles into exactly one"
        )
    return frame.sort("exchange_account_id")
