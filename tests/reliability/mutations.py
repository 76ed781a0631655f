"""Hypothesis strategies that break well-formed documents the ways people and sources do.

`mutate(data, document)` walks a parsed YAML or JSON document and applies a few drawn edits:
drop a key or list item, rename a key, or replace any value with a hostile one (wrong types,
bad durations, unicode, huge or non-finite numbers, deep nesting). The result is still plain data,
ready to be dumped back to YAML or JSON.
"""

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

Draw = Callable[[st.SearchStrategy[Any]], Any]

DURATIONS = ["-5m", "1.5h", "0s", "15", "1e9h", "99999999999999d", "5 m", "m5", "١٥m", "", "PT5M"]
TIMES = ["2021-05-01T00:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2021-13-45"]
NAMES = ["../../etc", "/etc/passwd", "a/b", "..", "ÜBER", "x" * 300, "null", "id with space"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**30, -(10**30), 2**63, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(DURATIONS + TIMES + NAMES),
)


def nested(depth: int) -> Any:
    """A list nested `depth` deep: what a parser must refuse before recursing that far."""
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


hostile = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(st.text(max_size=8), scalars, max_size=3),
    # built afresh each draw: a shared constant would be edited in place and grow across examples
    st.just(50).map(nested),
    st.builds(lambda: {"a": {"b": {"c": {"d": None}}}}),
)

# Nesting deeper than a recursive parser (or dumper) can go exists only as text.
DEEP_FLOW = "[" * 5000 + "]" * 5000
DEEP_BLOCK = "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(1200))
splices = st.one_of(st.text(max_size=30), st.sampled_from([DEEP_FLOW, DEEP_BLOCK, "&a x\n", "*a"]))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into the document (dict keys and list indices), the root excluded."""
    if not isinstance(node, dict | list):
        return []
    found: list[tuple[Any, ...]] = []
    for key, child in node.items() if isinstance(node, dict) else enumerate(node):
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    node = document
    for step in path[:-1]:
        node = node[step]
    return node


def mutate(draw: Draw, document: Any, edits: int = 3) -> Any:
    """The document with 1..`edits` drawn edits; it is changed in place and returned."""
    for _ in range(draw(st.integers(1, edits))):
        paths = _paths(document)
        if not paths:
            return draw(hostile)
        path = draw(st.sampled_from(paths))
        parent, key = _parent(document, path), path[-1]
        action = draw(st.sampled_from(["drop", "rename", "replace", "replace"]))
        if action == "drop":
            del parent[key]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.one_of(st.text(max_size=12), st.just(f"{key}x")))] = parent.pop(key)
        else:
            parent[key] = draw(hostile)
    return document


def edited(document: Any, path: str, value: Any) -> Any:
    """A copy of `document` with the value at the dotted `path` (list items by index) replaced:
    how a regression example spells the mutation that once broke a door."""
    copy = _copy(document)
    steps = [int(step) if step.isdigit() else step for step in path.split(".")]
    _parent(copy, tuple(steps))[steps[-1]] = value
    return copy


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
