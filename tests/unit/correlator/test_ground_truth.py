"""Ground-truth labels from audit truth, beside the monitor's value, on a hand-made run."""

import polars as pl

from correlator.ground_truth import truth_labels
from correlator.schemas import LABELS
from correlator.truth import Truth
from tests.unit.correlator.world import (
    MINUTES,
    at,
    drawdown_following,
    ramp,
    reference,
    scenario,
    signals,
)

RECOVERING = scenario(
    """
injections:
  - {id: crash, at: 10m, target: market_data, kind: crash,
     params: {drop: 0.1, over: 10m, recover_after: 20m}}
expectations:
  - {id: drawdown_breach, caused_by: crash, alert: portfolio_drawdown, severity: high, within: 5m}
"""
)


def depth(m: int) -> float:
    """1% a minute from minute 10 (5% at 14), eased back to 3% at minute 25, gone at 30."""
    return 0.03 if 25 <= m < 30 else ramp(10, 0.01, 0.1, stop=30)(m)


def labelled(extra: pl.DataFrame | None = None) -> pl.DataFrame:
    monitored = signals(drawdown_following(depth))
    if extra is not None:
        monitored = pl.concat([monitored, extra])
    frame = truth_labels(RECOVERING, monitored, Truth(reference(depth)))
    assert frame.schema == LABELS
    return frame


def minutes_labelled(frame: pl.DataFrame) -> list[int]:
    times = frame.filter(pl.col("label")).get_column("ts").to_list()
    return [int((ts - at(0)).total_seconds() // 60) for ts in times]


def test_the_label_runs_from_the_onset_until_the_condition_clears() -> None:
    frame = labelled()
    assert minutes_labelled(frame) == list(range(14, 25))  # 3% from 25 is below material
    present = frame.filter(pl.col("label")).row(0, named=True)
    assert (present["cause"], present["expectation_id"]) == ("crash", "drawdown_breach")
    absent = frame.filter(~pl.col("label")).row(0, named=True)
    assert (absent["cause"], absent["expectation_id"]) == (None, None)


def test_the_label_ends_with_the_injection_even_if_the_prices_do_not_recover() -> None:
    held = truth_labels(
        RECOVERING, signals(drawdown_following(depth)), Truth(reference(lambda m: 0.08))
    )
    assert minutes_labelled(held) == list(range(10, 30))  # [start, start + recover_after)


def test_the_monitor_value_sits_beside_the_truth() -> None:
    frame = labelled()
    row = frame.filter(pl.col("ts") == at(20)).row(0, named=True)
    assert row["value"] == drawdown_following(depth)[20]
    assert (row["warning_level"], row["breach_level"], row["state"]) == (0.03, 0.05, "breach")
    assert frame.height == MINUTES


def test_a_rule_no_expectation_names_is_all_negative() -> None:
    frame = labelled(signals([0.001] * MINUTES, rule="stablecoin_depeg", subject="USDT"))
    depeg = frame.filter(pl.col("rule") == "stablecoin_depeg")
    assert depeg.height == MINUTES
    assert not depeg.get_column("label").any()


def test_two_conditions_at_once_name_the_later_onset() -> None:
    both = scenario(
        """
injections:
  - {id: first, at: 10m, target: market_data, kind: crash, params: {drop: 0.1}}
  - {id: second, at: 20m, target: market_data, kind: crash, params: {drop: 0.1}}
expectations:
  - {id: first_caught, caused_by: first, alert: portfolio_drawdown, severity: high, within: 5m}
  - {id: second_caught, caused_by: second, alert: portfolio_drawdown, severity: high, within: 5m}
"""
    )
    frame = truth_labels(both, signals([0.0] * MINUTES), Truth(reference(ramp(10, 0.01, 0.2))))
    named = dict(zip(minutes_labelled(frame), frame.filter("label")["expectation_id"], strict=True))
    assert (named[14], named[19], named[20], named[59]) == (
        "first_caught",
        "first_caught",
        "second_caught",
        "second_caught",
    )
