"""What fuzzing found accepted that should not be, or raised from inside a library, refused at
the door with the field named: each case was accepted (or a traceback) before it was fixed."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from pipelines.cli import main
from risk_monitor.errors import LimitsError
from risk_monitor.limits import parse_limits
from tests.integration.conftest import SHORT_CRASH
from tests.reliability.mutations import edited

BASE = yaml.safe_load(SHORT_CRASH.read_text())

CASES = [
    ("market.duration", "99999999999999d", "market.duration: must be at most 36500 days"),
    ("market.start", "9999-12-31T23:00:00Z", "market.start: must fall in [1970-01-01, 2200-01-01)"),
    ("market.start", "2021-05-01T03:00:00", "market.start: must carry a UTC offset"),
    ("injections.0.at", "2021-05-01T03:40:00", "injections[0].at: must carry a UTC offset"),
    ("expectations.0.within", "3000000d", "expectations[0].within: must be at most 36500 days"),
    ("accounts.0.balances.USD", float("inf"), "accounts[0].balances.USD: Input should be a finite"),
    ("injections.0.params.drop", float("nan"), "injections[0].params.drop: Input should be a fin"),
    ("limits", "nonexistent", "limits: no limits file 'nonexistent'"),
    ("limits", {"version": 1, "rules": {"nope": {}}}, "limits: rules.nope: unknown rule 'nope'"),
    ("extends", "/etc/passwd", "extends: '/etc/passwd': name a library id or a path relative"),
    ("market.source", "file:..", "market.source: unknown market source 'file:..'"),
    ("market.source", "ccxt:../x", "market.source: unknown market source 'ccxt:../x'"),
    ("id", "../../etc", "id: expected lowercase letters, digits and underscores"),
]


@pytest.mark.parametrize(("path", "value", "expected"), CASES, ids=[c[0] for c in CASES])
def test_refused_with_the_field_named(path: str, value: Any, expected: str, tmp_path: Path) -> None:
    scenario = tmp_path / "short_crash.yaml"
    scenario.write_text(yaml.safe_dump(edited(BASE, path, value)))
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "run", str(scenario)])
    assert result.exit_code == 2, result.output
    assert f"error {scenario}: {expected}" in result.output
    assert not (tmp_path / "data").exists(), "refused before anything is written"


@pytest.mark.parametrize("target", ["../../etc/passwd", "/etc/passwd", "a/../../b", ".."])
def test_run_takes_ids_never_paths_outside_the_library(target: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "run", target])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error ")
    assert not (tmp_path / "data").exists()


TAGS = [
    "!!python/object/apply:os.system ['touch {canary}']",
    "!!python/object/new:subprocess.Popen [['touch', '{canary}']]",
    "!!python/name:os.system",
]


@pytest.mark.parametrize("tag", TAGS, ids=["apply", "new", "name"])
def test_yaml_tags_that_build_objects_are_refused_and_run_nothing(tag: str, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    scenario = tmp_path / "short_crash.yaml"
    scenario.write_text(SHORT_CRASH.read_text() + f"notes: {tag.format(canary=canary)}\n")
    limits = tmp_path / "limits.yaml"
    limits.write_text(f"version: 1\nevaluation: {tag.format(canary=canary)}\n")

    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "run", str(scenario)])
    assert result.exit_code == 2, result.output
    assert f"error {scenario}: line " in result.output
    with pytest.raises(LimitsError, match=f"{limits}: not valid YAML"):
        parse_limits(limits.read_text(), str(limits))
    assert not canary.exists()


def test_a_key_written_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    scenario = tmp_path / "short_crash.yaml"
    scenario.write_text(SHORT_CRASH.read_text() + "injections: []\n")
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "run", str(scenario)])
    assert result.exit_code == 2, result.output
    assert f"error {scenario}: line 27, column 1: duplicate key 'injections'" in result.output
