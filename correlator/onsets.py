"""Every injection kind's onset function, in one registry: when its condition became material.

The SLA clock starts at this onset. It is computed from audit truth only, never from the
monitor's signals, so the judge cannot inherit the monitor's blind spots.
"""

from collections.abc import Callable
from datetime import datetime
from functools import partial

from correlator.kind_series import SERIES_OF_KIND, series_onset
from correlator.onset import PRICE_ONSETS, PriceOnsetFn
from correlator.truth import Truth
from correlator.venue_onset import active_onset, overdue_value_onset
from scenarios.model import TypedInjection

OnsetFn = Callable[[TypedInjection, Truth, float], datetime | None]


def _on_prices(
    price_onset: PriceOnsetFn, injection: TypedInjection, truth: Truth, material: float
) -> datetime | None:
    return price_onset(injection, truth.reference_prices, material)


ONSETS: dict[str, OnsetFn] = {
    **{kind: partial(_on_prices, fn) for kind, fn in PRICE_ONSETS.items()},
    **dict.fromkeys(SERIES_OF_KIND, series_onset),
    **dict.fromkeys(
        ("latency_spike", "order_rejects", "spread_widening", "downtime", "strategy_on"),
        active_onset,
    ),
    **dict.fromkeys(
        ("settlement_delay", "settlement_rejects", "partial_settlement", "custodian_offline"),
        overdue_value_onset,
    ),
}


def onset_ts(injection: TypedInjection, truth: Truth, material: float) -> datetime | None:
    """First `ts` at or after the injection's start where its condition is material, else None."""
    onset = ONSETS.get(injection.kind)
    if onset is None:
        raise ValueError(
            f"no onset function for injection kind {injection.kind!r} "
            f"(injection {injection.id!r}); registered kinds: {', '.join(sorted(ONSETS))}"
        )
    return onset(injection, truth, material)
