"""The pytest plugin a user's own suite gets: replay, then assert_detected / assert_silent."""

import pytest

from pipelines.testing import (
    ScenarioRun,
    assert_detected,
    assert_silent,
    run_scenarios,
)
from tests.integration.conftest import SHORT_CRASH


@pytest.fixture(scope="module")
def crash_run(tmp_path_factory: pytest.TempPathFactory) -> ScenarioRun:
    return run_scenarios((SHORT_CRASH,), tmp_path_factory.mktemp("plugin"))


def test_a_detected_expectation_passes_within_its_sla_and_a_looser_bound(
    crash_run: ScenarioRun,
) -> None:
    assert crash_run.passed
    assert_detected(crash_run, "drawdown_breach")
    assert_detected(crash_run, "drawdown_breach", within="5m")
    assert_silent(crash_run, "stablecoin_depeg")


def test_a_tighter_bound_fails_with_the_measured_latency(crash_run: ScenarioRun) -> None:
    latency = crash_run.row("drawdown_breach")["latency_s"]
    assert latency > 1
    with pytest.raises(AssertionError, match=r"short_crash: drawdown_breach .* detected after "):
        assert_detected(crash_run, "drawdown_breach", within="1s")


def test_a_rule_that_fired_is_not_silent_and_unknown_ids_are_named(
    crash_run: ScenarioRun,
) -> None:
    with pytest.raises(
        AssertionError,
        match=r"portfolio_drawdown raised 2 alert\(s\), the first at 2021-05-01 03:4",
    ):
        assert_silent(crash_run, "portfolio_drawdown")
    with pytest.raises(AssertionError, match="expectation 'nope' is unknown"):
        assert_detected(crash_run, "nope")


def test_a_users_own_suite_gets_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        from pipelines.testing import assert_detected

        def test_crash(riskproof_run):
            run = riskproof_run({str(SHORT_CRASH)!r})
            assert_detected(run, "drawdown_breach", within="5m")

        def test_too_strict(riskproof_run):
            run = riskproof_run({str(SHORT_CRASH)!r})
            assert_detected(run, "drawdown_breach", within="1s")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: short_crash: drawdown_breach*detected after*"])
