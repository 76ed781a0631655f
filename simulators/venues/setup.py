"""A scenario's venues: who holds what where, which backdoors open when, how settlement runs."""

from datetime import timedelta

import polars as pl

from scenarios.loader import ValidScenario
from simulators.custodian.config import CustodianConfig
from simulators.custodian.schemas import LINKS
from simulators.custodian.schemas import OPENING_BALANCES as CUSTODY_OPENING
from simulators.exchange.config import ExchangeConfig
from simulators.exchange.schemas import OPENING_BALANCES as EXCHANGE_OPENING
from simulators.venues.chaos import ChaosWindow

# The replay stores what a desk's tools would keep: a book sample a minute is plenty to explain
# a fill, where the simulator's default of ten seconds would dominate the lake.
PIPELINE_EXCHANGE = ExchangeConfig(book_sample_every=timedelta(minutes=1))


def opening_balances(scenario: ValidScenario, venue: str) -> pl.DataFrame:
    """account_id, asset, balance of every `venue` account at the scenario start."""
    rows = [
        {"account_id": account.id, "asset": asset, "balance": balance}
        for account in scenario.spec.accounts
        if account.venue == venue
        for asset, balance in sorted(account.balances.items())
    ]
    schema = EXCHANGE_OPENING if venue == "exchange" else CUSTODY_OPENING
    return pl.DataFrame(rows, schema=schema)


def settlement_links(scenario: ValidScenario) -> pl.DataFrame:
    rows = [
        {"exchange_account_id": account.settles, "account_id": account.id}
        for account in scenario.spec.accounts
        if account.settles is not None
    ]
    return pl.DataFrame(rows, schema=LINKS)


def chaos_windows(scenario: ValidScenario, target: str) -> list[ChaosWindow]:
    """The scenario's `target` injections as windows from their start to their recovery."""
    return [
        ChaosWindow(
            injection_id=injection.id,
            kind=injection.kind,
            start=injection.start_ts,
            end=injection.end_ts(scenario.end),
            params=injection.params.model_dump(exclude=_PROFILE_FIELDS),
        )
        for injection in scenario.injections
        if injection.target == target
    ]


def custodian_config(scenario: ValidScenario) -> CustodianConfig:
    terms = scenario.spec.custodian
    return CustodianConfig(cycle=terms.cycle, cutoff_every=terms.cutoff_every)


_PROFILE_FIELDS = {"over", "shape", "recover_after", "recover_over"}
