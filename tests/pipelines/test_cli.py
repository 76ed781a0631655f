"""The `riskproof` command as a user types it, over a temporary data directory."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from tests.dagster_home import project_dagster_home
from tests.integration.conftest import SHORT_CRASH

THREE_MISTAKES = """
id: three_mistakes
title: an unknown key, a negative duration and an unknown rule
colour: red
market:
  start: 2021-05-01T00:00:00Z
  duration: -5m
  pairs: [BTC/USD]
expectations: []
must_not_fire: [vibes]
"""


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DAGSTER_HOME", str(project_dagster_home(tmp_path / "dagster_home")))
    return tmp_path / "data"


def test_validate_reports_all_three_mistakes_and_writes_nothing(
    isolated: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "three_mistakes.yaml"
    bad.write_text(THREE_MISTAKES)
    result = CliRunner().invoke(
        main, ["--data-dir", str(isolated), "scenarios", "validate", str(bad)]
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error")]
    assert [line.split(": ", 2)[1] for line in lines] == [
        "market.duration",
        "must_not_fire[0]",
        "colour",
    ]
    assert not isolated.exists()


def test_run_refuses_an_invalid_file_before_replaying_anything(
    isolated: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "three_mistakes.yaml"
    bad.write_text(THREE_MISTAKES)
    result = CliRunner().invoke(main, ["--data-dir", str(isolated), "run", str(bad)])
    assert result.exit_code == 2
    assert "unknown key 'colour'" in result.output
    assert not isolated.exists()


def test_run_a_scenario_file_from_outside_the_library(isolated: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "short_crash.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(SHORT_CRASH.read_bytes())
    result = CliRunner().invoke(main, ["--data-dir", str(isolated), "run", str(elsewhere)])
    assert result.exit_code == 0, result.output
    assert "short_crash" in result.output
    assert "PASS" in result.output
    assert "2/2 checks passed" in result.output
    assert (isolated / "scenarios" / "short_crash.yaml").read_bytes() == SHORT_CRASH.read_bytes()
    assert (isolated / "exports" / "scorecard.csv").exists()
    assert (isolated / "lake" / "audit" / "scenario_results" / "scenario=short_crash").is_dir()
