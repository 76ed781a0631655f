"""delta_exposure: each account's net USD exposure to assets whose price moves.

value = |Σ balance × USD price| over the account's balances in assets that are not in `stable`
(USD is always stable: it is the unit of account). Long and short books alike are exposure, so
the sum's magnitude is compared with the levels. Null before any of the account's balances is
visible, and while a visible non-zero balance of a non-stable asset is unpriced.
"""

import numpy as np

from risk_monitor.levels import LevelLimits
from risk_monitor.prices import USD
from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.inputs import RuleInputs


class DeltaExposureLimits(LevelLimits):
    """Levels are USD amounts of net exposure; `stable` lists assets taken as worth 1 USD."""

    stable: tuple[str, ...] = ()


def delta_exposure(inputs: RuleInputs, limits: DeltaExposureLimits) -> SignalBlock:
    """Per evaluation time × account (subject = account_id)."""
    book = inputs.book
    moving = np.array(
        [asset != USD and asset not in limits.stable for asset in book.holdings["asset"]],
        dtype=bool,
    )
    # stable balances stay in (with no worth) so an account holding only them has exposure 0
    net = book.per_account(np.where(moving, book.worth, 0.0))
    known = book.known(book.priced | ~moving)
    return book.account_signal(np.abs(net), known)
