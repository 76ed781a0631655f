"""The condition series and the onset agree: the onset is the series' first material point."""

import polars as pl
import pytest

from correlator.conditions import OPEN, condition_of
from correlator.onset import first_at_least
from correlator.onsets import onset_ts
from correlator.truth import Truth
from scenarios import ValidScenario
from tests.unit.correlator.world import at, ramp, reference, scenario


def one(kind: str, params: str, rule: str = "portfolio_drawdown") -> ValidScenario:
    return scenario(
        f"""
injections:
  - {{id: chaos, at: 10m, target: market_data, kind: {kind}, params: {params}}}
expectations:
  - {{id: caught, caused_by: chaos, alert: {rule}, severity: high, within: 5m}}
"""
    )


@pytest.mark.parametrize(
    ("valid", "truth"),
    [
        (one("crash", "{drop: 0.1}"), Truth(reference(ramp(10, 0.01, 0.1)))),
        (one("depeg", "{asset: USDT, to: 0.9}", "stablecoin_depeg"),
         Truth(reference(lambda m: 0.0, usdt=0.985))),
    ],
    ids=["crash", "depeg"],
)  # fmt: skip
def test_the_onset_is_the_first_material_point_of_the_series(
    valid: ValidScenario, truth: Truth
) -> None:
    expectation = valid.spec.expectations[0]
    condition = condition_of(valid, expectation, truth)
    injection = valid.injection("chaos")
    expected = onset_ts(injection, truth, condition.material)
    assert expected is not None
    assert first_at_least(condition.series, condition.since, condition.material) == expected


def test_a_crash_series_is_the_injected_depth_on_its_pairs() -> None:
    valid = one("crash", "{drop: 0.1}")
    condition = condition_of(
        valid, valid.spec.expectations[0], Truth(reference(ramp(10, 0.01, 0.1)))
    )
    assert condition.pairs == ("BTC/USD",)
    assert condition.series.filter(pl.col("ts") == at(12))["value"].item() == pytest.approx(0.03)
    assert (condition.cause, condition.kind, condition.target) == ("chaos", "crash", "market_data")


def test_an_open_backdoor_is_material_exactly_while_open() -> None:
    valid = scenario(
        """
injections:
  - {id: down, at: 10m, target: exchange, kind: downtime, params: {recover_after: 5m}}
expectations:
  - {id: caught, caused_by: down, alert: portfolio_drawdown, severity: high, within: 5m}
"""
    )
    condition = condition_of(valid, valid.spec.expectations[0], Truth(reference(lambda m: 0.0)))
    present = condition.series.filter(condition.present()).get_column("ts").to_list()
    assert present == [at(m) for m in range(10, 15)]
    assert condition.material == OPEN
