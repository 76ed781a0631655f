"""audit.causation_chains on hand-made runs: hop times, strength, and shared detections."""

from datetime import timedelta
from typing import Any

import polars as pl
import pytest

from correlator.causation import causation_chains
from correlator.schemas import CAUSATION_CHAINS
from correlator.truth import Truth
from risk_monitor.schemas import MARKET_TICKS
from tests.unit.correlator.world import (
    CRASH,
    CRASH_DEPTH,
    CRASH_ONSET,
    MINUTES,
    alert,
    alerts,
    at,
    drawdown_following,
    ramp,
    reference,
    results,
    scenario,
    signals,
)

FEED_DELAY = timedelta(milliseconds=300)


def ticks(prices: pl.DataFrame) -> pl.DataFrame:
    return prices.select("ts", "pair", "price", available_at=pl.col("ts") + FEED_DELAY).cast(
        MARKET_TICKS
    )


def chains(
    valid: Any, depth: Any, values: list[float | None], raised: pl.DataFrame
) -> list[dict[str, Any]]:
    prices = reference(depth)
    frame = causation_chains(
        valid,
        results(valid, prices, raised),
        Truth(prices),
        signals(values),
        raised,
        {"market_data": ticks(prices)},
    )
    assert frame.schema == CAUSATION_CHAINS
    return list(frame.iter_rows(named=True))


def test_every_hop_of_a_detected_crash() -> None:
    raised = alerts(alert(14, severity="medium"), alert(17))
    [chain] = chains(CRASH, CRASH_DEPTH, drawdown_following(CRASH_DEPTH), raised)
    assert (chain["trigger"], chain["trigger_kind"], chain["effect"]) == (
        "crash",
        "crash",
        "portfolio_drawdown",
    )
    assert chain["injected_ts"] == at(10)
    assert chain["onset_ts"] == CRASH_ONSET
    assert chain["prod_visible_ts"] == CRASH_ONSET + FEED_DELAY
    assert chain["signal_change_ts"] == at(14)  # ok → warning
    assert chain["first_alert_ts"] == at(17)  # the first high one
    assert chain["alert_attributed"] is True
    assert chain["status"] == "PASS"
    assert chain["trace_id"] is not None


def test_a_signal_that_copies_the_cause_a_minute_late_correlates_fully_at_60s() -> None:
    [chain] = chains(CRASH, CRASH_DEPTH, drawdown_following(CRASH_DEPTH, lag=1), alerts())
    assert chain["effect_subject"] == "desk_a"
    assert chain["correlation"] == pytest.approx(1.0)
    assert chain["lag_s"] == 60.0


def test_a_signal_lagging_beyond_the_sla_is_not_credited_at_its_lag() -> None:
    late = drawdown_following(CRASH_DEPTH, lag=8)  # SLA 5m: lags 0..5 minutes only
    [chain] = chains(CRASH, CRASH_DEPTH, late, alerts())
    assert chain["lag_s"] <= 300
    assert chain["correlation"] < 0.99


def test_a_miss_has_its_onset_but_no_alert() -> None:
    flat: list[float | None] = [0.0] * MINUTES
    [chain] = chains(CRASH, CRASH_DEPTH, flat, alerts())
    assert chain["status"] == "FAIL_MISSED"
    assert chain["onset_ts"] == CRASH_ONSET
    assert (chain["signal_change_ts"], chain["first_alert_ts"]) == (None, None)
    assert chain["alert_attributed"] is None
    assert chain["correlation"] is None  # a flat signal follows nothing


TWO_CRASHES = scenario(
    """
injections:
  - {id: first, at: 10m, target: market_data, kind: crash,
     params: {drop: 0.1, over: 5m, recover_after: 10m}}
  - {id: second, at: 30m, target: market_data, kind: crash, params: {drop: 0.1, over: 5m}}
expectations:
  - {id: first_caught, caused_by: first, alert: portfolio_drawdown, severity: high, within: 5m}
  - {id: second_caught, caused_by: second, alert: portfolio_drawdown, severity: high, within: 5m}
"""
)


# 2% a minute: material (6%) at 12 and again at 32; the first recovers at 20.
def two_depths(m: int) -> float:
    return ramp(10, 0.02, 0.1, stop=20)(m) + ramp(30, 0.02, 0.1)(m)


def test_an_alert_with_two_candidate_causes_is_attributed_to_the_later_onset() -> None:
    values: list[float | None] = [*([0.0] * 33), *([0.06] * (MINUTES - 33))]
    first, second = chains(TWO_CRASHES, two_depths, values, alerts(alert(33)))
    assert (first["onset_ts"], second["onset_ts"]) == (at(12), at(32))
    # validation credits the one alert to both (it is the first after each window opened) ...
    assert first["first_alert_ts"] == second["first_alert_ts"] == at(33)
    assert (first["status"], second["status"]) == ("FAIL_LATE", "PASS")
    # ... the causal chain gives it to the cause that became material last
    assert (first["alert_attributed"], second["alert_attributed"]) == (False, True)
    assert (first["signal_change_ts"], second["signal_change_ts"]) == (None, at(33))


def test_a_market_expectation_has_no_injection_hop() -> None:
    market = scenario(
        """
expectations:
  - {id: btc_falls, caused_by: market, condition: {kind: drawdown, asset: BTC, over: 1h},
     alert: portfolio_drawdown, severity: high, within: 5m}
"""
    )
    [chain] = chains(market, CRASH_DEPTH, drawdown_following(CRASH_DEPTH), alerts(alert(17)))
    assert (chain["trigger"], chain["trigger_kind"]) == ("market", "market:drawdown")
    assert chain["injected_ts"] is None
    assert chain["onset_ts"] == CRASH_ONSET
    assert chain["prod_visible_ts"] == CRASH_ONSET + FEED_DELAY
    assert chain["correlation"] == pytest.approx(1.0)
