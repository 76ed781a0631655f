"""Scenario files at the door: 36 malformed files, each a different mistake, each one clear
error naming the file and field path (never a traceback); and the published JSON Schema, the
same one the validator's models generate, accepts the library and rejects what it can see."""

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.scenario_schema import PUBLISHED, scenario_schema, schema_text

MALFORMED = sorted((Path(__file__).parents[1] / "data" / "malformed_scenarios").glob("*.yaml"))
LIBRARY = sorted((PUBLISHED.parent / "library").glob("*.yaml"))


def header(path: Path, key: str) -> str:
    prefix = f"# {key}: "
    line = next(li for li in path.read_text().splitlines() if li.startswith(prefix))
    return line.removeprefix(prefix)


def as_json(path: Path) -> Any:
    """The document as an editor's YAML language server hands it to the schema."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))


def test_there_are_at_least_thirty_distinct_mistakes() -> None:
    assert len(MALFORMED) >= 30
    assert len({header(p, "expect") for p in MALFORMED}) == len(MALFORMED)


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_a_malformed_file_gives_one_clear_error(path: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--data-dir", str(tmp_path), "scenarios", "validate", str(path)]
    )
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.splitlines() == [f"error {path}: {header(path, 'expect')}"]


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_run_refuses_a_malformed_file_before_replaying_anything(path: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "run", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [f"error {path}: {header(path, 'expect')}"]
    assert not (tmp_path / "lake").exists()
    assert not (tmp_path / "scenarios").exists()


def test_the_published_schema_is_the_generated_one() -> None:
    assert PUBLISHED.read_text() == schema_text(), "run `riskproof scenarios schema --write`"
    jsonschema.Draft202012Validator.check_schema(scenario_schema())


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_the_schema_accepts_every_library_file(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(PUBLISHED.read_text()))
    assert [e.message for e in validator.iter_errors(as_json(path))] == []


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_the_schema_rejects_what_it_can_see(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(PUBLISHED.read_text()))
    try:
        document = as_json(path)
    except yaml.YAMLError:
        # not YAML at all: the editor's parser reports it before any schema could
        assert header(path, "schema") == "rejects"
        return
    rejected = not validator.is_valid(document)
    assert rejected == header(path, "schema").startswith("rejects")
