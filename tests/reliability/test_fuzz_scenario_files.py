"""Scenario files at the door, fuzzed: library scenarios with keys dropped and renamed, values of
the wrong type, bad durations, unicode, huge and non-finite numbers, deep nesting; and YAML text
cut short, spliced or random. `riskproof scenarios validate` accepts each file or prints errors
naming it, never a traceback, and writes nothing."""

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipelines.cli import main
from pipelines.scenario_schema import PUBLISHED
from tests.reliability.budget import examples
from tests.reliability.mutations import DEEP_FLOW, Draw, edited, mutate, splices
from tests.reliability.recorder import record

LIBRARY = sorted((PUBLISHED.parent / "library").glob("*.yaml"))
DOCUMENTS = {path.stem: yaml.safe_load(path.read_text()) for path in LIBRARY}


def validate(name: str, text: str) -> None:
    """Write `text` as <name>.yaml and validate it through the CLI, as a user would."""
    record("inputs_fuzzed")
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        data_dir = Path(tmp) / "data"
        result = CliRunner().invoke(
            main, ["--data-dir", str(data_dir), "scenarios", "validate", str(path)]
        )
        leaked = result.exception is not None and not isinstance(result.exception, SystemExit)
        if leaked or "Traceback" in result.output:
            record("tracebacks")
        assert not leaked, (result.exception, text[:300])
        assert result.exit_code in (0, 1), result.output
        first = result.output.splitlines()[0]
        verdict = "ok" if result.exit_code == 0 else "error"
        assert first.startswith(f"{verdict} {path}"), result.output
        assert not data_dir.exists(), "validate writes nothing"


def dump(document: Any) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@st.composite
def mutated_library_scenario(draw: Draw) -> tuple[str, Any]:
    name = draw(st.sampled_from(sorted(DOCUMENTS)))
    return name, mutate(draw, yaml.safe_load(dump(DOCUMENTS[name])))  # a fresh copy to break


def regression(name: str, path: str, value: Any) -> tuple[str, Any]:
    return name, edited(DOCUMENTS[name], path, value)


@settings(max_examples=examples(150))
@given(case=mutated_library_scenario())
# durations and times past datetime's range raised OverflowError from inside pydantic
@example(case=regression("market_crash", "market.duration", "99999999999999d"))
@example(case=regression("market_crash", "market.duration", "3000000d"))
@example(case=regression("market_crash", "market.start", "9999-12-31T23:00:00Z"))
@example(case=regression("market_crash", "injections.0.at", "99999999999999d"))
# a start time quoted without an offset: naive, then compared with aware times (TypeError)
@example(case=regression("market_crash", "market.start", "0001-01-01T00:00:00"))
@example(case=regression("market_crash", "injections.0.at", "2021-05-01T01:00:00"))
# an infinite balance or a NaN parameter passed every bound
@example(case=regression("market_crash", "accounts.0.balances.USD", float("inf")))
@example(case=regression("market_crash", "injections.0.params.drop", float("nan")))
# a limits name or inline limits the risk monitor refuses failed mid-replay, not at the door
@example(case=regression("market_crash", "limits", "nonexistent"))
@example(case=regression("market_crash", "limits", {"version": 1, "rules": {"nope": {}}}))
# a list where a strategy's id belongs: "unhashable type" from the cross-reference check
@example(case=regression("strategy_malfunction", "injections.1.params.strategy", [[1]]))
# paths where names belong: the base, the market source
@example(case=regression("market_crash", "extends", "/etc/passwd"))
@example(case=regression("market_crash", "market.source", "file:.."))
def test_mutated_library_scenarios_validate_or_name_the_problem(case: tuple[str, Any]) -> None:
    name, document = case
    validate(name, dump(document))


@settings(max_examples=examples(60))
@given(
    name=st.sampled_from(sorted(DOCUMENTS)),
    cut=st.floats(0, 1),
    splice=splices,
)
# thousands of nested brackets: a RecursionError from inside PyYAML
@example(name="market_crash", cut=0.5, splice=f"\nx: {DEEP_FLOW}\n")
def test_library_text_cut_and_spliced_validates_or_names_the_problem(
    name: str, cut: float, splice: str
) -> None:
    text = (PUBLISHED.parent / "library" / f"{name}.yaml").read_text()
    at = int(len(text) * cut)
    validate(name, text[:at] + splice + text[at:])


@settings(max_examples=examples(60))
@given(text=st.text(max_size=300))
def test_random_text_validates_or_names_the_problem(text: str) -> None:
    validate("random", text)
