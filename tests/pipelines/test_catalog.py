"""The scenario catalog reads a file once per process, and again whenever the file, or a base it
extends, has changed."""

from pathlib import Path

import pytest

from pipelines.resources.catalog import ScenarioCatalog
from scenarios import ScenarioError

BASE = """
id: base_case
title: base
seed: 3
market:
  start: 2021-05-01T00:00:00Z
  duration: 2h
  pairs: [BTC/USD, ETH/USD, USDT/USD]
accounts:
  - {id: desk, venue: exchange, balances: {BTC: 1, USDT: 100}}
injections:
  - {id: crash, at: 30m, target: market_data, kind: crash, params: {drop: 0.1, over: 5m}}
expectations:
  - {id: dd, caused_by: crash, alert: portfolio_drawdown, severity: high, within: 5m}
"""
CHILD = """
id: child_case
extends: base_case
title: child
"""


@pytest.fixture
def catalog(tmp_path: Path) -> ScenarioCatalog:
    library = tmp_path / "library"
    library.mkdir()
    (library / "base_case.yaml").write_text(BASE)
    (library / "child_case.yaml").write_text(CHILD)
    return ScenarioCatalog(library_dir=str(library), user_dir=str(tmp_path / "user"))


def test_a_file_read_again_unchanged_gives_the_same_scenario(catalog: ScenarioCatalog) -> None:
    assert catalog.load("child_case") == catalog.load("child_case")


def test_a_changed_file_is_read_again(catalog: ScenarioCatalog) -> None:
    assert catalog.load("child_case").spec.title == "child"
    path = Path(catalog.library_dir) / "child_case.yaml"
    path.write_text(CHILD.replace("title: child", "title: edited"))
    assert catalog.load("child_case").spec.title == "edited"


def test_a_change_to_a_base_reaches_the_scenario_extending_it(catalog: ScenarioCatalog) -> None:
    assert catalog.load("child_case").spec.seed == 3
    base = Path(catalog.library_dir) / "base_case.yaml"
    base.write_text(BASE.replace("seed: 3", "seed: 4"))
    assert catalog.load("child_case").spec.seed == 4


def test_a_base_removed_is_an_error_again(catalog: ScenarioCatalog) -> None:
    catalog.load("child_case")
    (Path(catalog.library_dir) / "base_case.yaml").unlink()
    with pytest.raises(ScenarioError, match="extends: no scenario .base_case."):
        catalog.load("child_case")
