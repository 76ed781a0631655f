"""concentration: the share of each account's gross value held in its largest single asset.

value = max |worth of one non-USD asset| / Σ |worth of every asset, USD included|, in [0, 1];
worth is balance × USD price over the account's venues. Cash in USD dilutes concentration but is
never itself the concentrated asset. Armed only while the gross value is at least
`min_gross_usd`: a nearly empty account is trivially concentrated. Null while the value is not
fully known (as for portfolio_drawdown) or the account is empty.
"""

import numpy as np

from risk_monitor.config_types import NonNegative
from risk_monitor.levels import LevelLimits
from risk_monitor.prices import USD
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs


class ConcentrationLimits(LevelLimits):
    """Levels are shares of gross value (0.6 = 60% in one asset)."""

    min_gross_usd: NonNegative = 0.0


def concentration(inputs: RuleInputs, limits: ConcentrationLimits) -> SignalBlock:
    """Per evaluation time × account (subject = account_id)."""
    book = inputs.book
    size = np.abs(book.worth)
    gross = book.per_account(size)
    known = book.known()
    # USD dilutes but is never the concentrated asset; an account of USD alone has largest 0
    largest = book.largest(size, np.array([a != USD for a in book.holdings["asset"]]))
    return book.account_signal(
        largest / np.where(gross > 0, gross, 1.0),
        known & (gross > 0),
        armed=np.where(known, gross, 0.0) >= limits.min_gross_usd,
    )
