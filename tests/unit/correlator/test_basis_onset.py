"""A basis blowout is material once the perpetual is far enough from its basis-free price."""

from datetime import UTC, datetime, timedelta

import polars as pl

from correlator.onsets import onset_ts
from correlator.truth import Truth
from scenarios.injections import BasisParams
from scenarios.model import TypedInjection
from simulators.schemas import REFERENCE_PRICES

T0 = datetime(2021, 5, 4, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_onset_is_the_first_gap_at_or_beyond_material() -> None:
    gaps = [0.0, 0.02, 0.06, 0.099, 0.1, 0.12]
    rows = [(T0 + i * MINUTE, "BTC-PERP/USD", 100.0 * (1 + g), 100.0) for i, g in enumerate(gaps)]
    rows += [(T0 + i * MINUTE, "BTC/USD", 100.0, 100.0) for i in range(len(gaps))]
    prices = pl.DataFrame(rows, schema=REFERENCE_PRICES, orient="row")
    injection = TypedInjection(
        id="blowout", target="market_data", kind="basis_blowout", start_ts=T0,
        params=BasisParams(perpetual="BTC-PERP", to=0.12),
    )  # fmt: skip
    assert onset_ts(injection, Truth(prices), 0.1) == T0 + 4 * MINUTE
    assert onset_ts(injection, Truth(prices), 0.05) == T0 + 2 * MINUTE
