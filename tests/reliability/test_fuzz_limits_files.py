"""Limits files at the door, fuzzed: the shipped default with keys dropped and renamed, values of
the wrong type, unicode, huge and non-finite numbers, deep nesting; and its text cut and spliced.
`parse_limits` gives limits or a LimitsError naming the file, never a traceback."""

from typing import Any

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipelines.project import LIMITS_DIR
from risk_monitor.errors import LimitsError
from risk_monitor.limits import parse_limits
from tests.reliability.budget import examples
from tests.reliability.doors import at_the_door
from tests.reliability.mutations import DEEP_BLOCK, DEEP_FLOW, Draw, edited, mutate, splices

DEFAULT = LIMITS_DIR / "default.yaml"
SOURCE = "fuzzed/limits.yaml"
DOCUMENT = yaml.safe_load(DEFAULT.read_text())


def parse(text: str) -> None:
    at_the_door(lambda: parse_limits(text, SOURCE), (LimitsError,), SOURCE)


@st.composite
def mutated_default(draw: Draw) -> Any:
    return mutate(draw, edited(DOCUMENT, "version", 1))  # a fresh copy to break


@settings(max_examples=examples(150))
@given(document=mutated_default())
@example(document=edited(DOCUMENT, "evaluation.interval", "99999999999999d"))
def test_mutated_default_limits_parse_or_name_the_file(document: Any) -> None:
    parse(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))


@settings(max_examples=examples(60))
@given(cut=st.floats(0, 1), splice=splices)
# a mapping key YAML builds as a list: unhashable, a TypeError in the duplicate-key check
@example(cut=0.0, splice="? [a, b]\n: 1\n")
# nesting deeper than PyYAML's recursion: a RecursionError from inside the parser
@example(cut=1.0, splice=f"\nx: {DEEP_FLOW}\n")
@example(cut=1.0, splice=f"\n{DEEP_BLOCK}")
def test_default_limits_text_cut_and_spliced_parses_or_names_the_file(
    cut: float, splice: str
) -> None:
    text = DEFAULT.read_text()
    at = int(len(text) * cut)
    parse(text[:at] + splice + text[at:])
