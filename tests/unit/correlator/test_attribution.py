"""An alert with two candidate causes goes to the one that most recently became material."""

import polars as pl

from correlator.attribution import attribute, cause_windows
from tests.unit.correlator.world import alert, alerts, at, scenario

TWO_CRASHES = scenario(
    """
injections:
  - {id: first, at: 10m, target: market_data, kind: crash, params: {drop: 0.1}}
  - {id: second, at: 30m, target: market_data, kind: crash, params: {drop: 0.1}}
  - {id: peg, at: 35m, target: market_data, kind: depeg, params: {asset: USDT, to: 0.9}}
expectations:
  - {id: first_caught, caused_by: first, alert: portfolio_drawdown, severity: high, within: 5m}
  - {id: second_caught, caused_by: second, alert: portfolio_drawdown, severity: high, within: 5m}
  - {id: peg_caught, caused_by: peg, alert: stablecoin_depeg, severity: high, within: 5m}
"""
)
ONSETS = {"first_caught": at(12), "second_caught": at(32), "peg_caught": at(38)}


def causes() -> pl.DataFrame:
    results = pl.DataFrame(
        {"expectation_id": list(ONSETS), "onset_ts": list(ONSETS.values())},
        schema={"expectation_id": pl.String(), "onset_ts": pl.Datetime("us", "UTC")},
    )
    return cause_windows(TWO_CRASHES, results)


def attributed(*rows: dict[str, object]) -> list[str | None]:
    return attribute(alerts(*rows), causes()).get_column("expectation_id").to_list()


def test_the_cause_with_the_latest_onset_before_the_alert_wins() -> None:
    assert attributed(alert(33)) == ["second_caught"]


def test_a_cause_not_yet_material_loses_to_one_that_is() -> None:
    # second's window opened at 30m but it becomes material only at 32m
    assert attributed(alert(31)) == ["first_caught"]


def test_an_early_warning_before_any_onset_goes_to_the_open_window() -> None:
    assert attributed(alert(11, severity="medium")) == ["first_caught"]


def test_only_causes_of_the_alerts_rule_are_candidates() -> None:
    # the depeg became material last (38m), but it answers stablecoin_depeg, not this rule
    assert attributed(alert(40)) == ["second_caught"]
    assert attributed(alert(40, rule="stablecoin_depeg", subject="USDT")) == ["peg_caught"]


def test_what_nothing_explains_is_null() -> None:
    assert attributed(alert(5), alert(40, rule="position_limit")) == [None, None]


def test_order_and_columns_are_kept() -> None:
    frame = attribute(alerts(alert(33), alert(11), alert(5)), causes())
    assert frame.get_column("ts").to_list() == [at(33), at(11), at(5)]
    assert frame.columns[-1] == "expectation_id"
    assert frame.height == 3
