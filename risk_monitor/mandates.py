"""Mandates: which accounts each compliance status covers.

A rule's subject belongs to the mandates covering its account. Subjects that are not an account's
(an asset's peg, a pair's price, a venue's feed) concern every mandate. With no `mandates:`
section, one mandate, "firm", covers every account.
"""

from collections.abc import Mapping
from types import MappingProxyType

from pydantic import Field, field_validator

from risk_monitor.config_types import ConfigModel

FIRM = "firm"

# mandate name → the accounts it covers, or None for every account
MandateScope = Mapping[str, frozenset[str] | None]
FIRM_WIDE: MandateScope = MappingProxyType({FIRM: None})


class MandateLimits(ConfigModel):
    """One mandate: the account ids whose rules count towards its compliance status."""

    accounts: tuple[str, ...] = Field(min_length=1)

    @field_validator("accounts")
    @classmethod
    def _each_account_once(cls, accounts: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({account for account in accounts if accounts.count(account) > 1})
        if repeated:
            raise ValueError(f"account {repeated[0]!r} is listed more than once")
        return accounts


def mandate_scope(mandates: Mapping[str, MandateLimits] | None) -> MandateScope:
    """Each mandate's accounts; FIRM_WIDE when the limits name no mandates."""
    if mandates is None:
        return FIRM_WIDE
    return MappingProxyType(
        {name: frozenset(mandate.accounts) for name, mandate in sorted(mandates.items())}
    )
