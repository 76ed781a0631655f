"""`extends:` and `matrix:`: scenarios built from other scenarios, before any validation.

A scenario that `extends` a base is the base's document with the child's keys merged over it:
mappings merge key by key, lists of items with an `id` (accounts, orders, strategies,
injections, expectations) merge item by item on that id (new ids are appended), and any other
value the child names replaces the base's. The merged document is then validated like any file.

A `matrix` maps field paths to lists of values and expands into one scenario per combination
(the cartesian product, in the order written). A path walks mappings by key and id-lists by
item id: `injections.crash.params.drop` is the `drop` parameter of the injection whose id is
`crash`. Each variant's id is `<id>__<axis>_<value>...`, so the variant names its family.
"""

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scenarios.errors import Problem, ScenarioError

MAX_EXTENDS_DEPTH = 8
MAX_VARIANTS = 256
VARIANT_SEPARATOR = "__"
SCALAR = (str, int, float, bool)

# (name as written in `extends:`, the extending file's source) → (text, source) of the base
BaseResolver = Callable[[str, str], tuple[str, str]]
Parser = Callable[[str, str], dict[str, Any]]


@dataclass(frozen=True)
class Variant:
    """One expanded document and the matrix values that made it (empty without a matrix)."""

    document: dict[str, Any]
    values: tuple[tuple[str, Any], ...] = ()


def resolve_extends(
    document: dict[str, Any],
    source: str,
    parse: Parser,
    resolve: BaseResolver | None,
    chain: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The document with its `extends:` chain merged in (the child's own `extends` kept)."""
    base_name = document.get("extends")
    if base_name is None:
        return document
    if not isinstance(base_name, str) or not base_name:
        raise ScenarioError(source, [Problem("extends", "expected a scenario id or file path")])
    if resolve is None:
        raise ScenarioError(source, [Problem("extends", "no scenario library to resolve it")])
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            source, [Problem("extends", f"more than {MAX_EXTENDS_DEPTH} levels of extends")]
        )
    try:
        base_text, base_source = resolve(base_name, source)
    except KeyError as error:
        raise ScenarioError(source, [Problem("extends", str(error.args[0]))]) from None
    if base_source in (*chain, source):
        cycle = " -> ".join((*chain, source, base_source))
        raise ScenarioError(source, [Problem("extends", f"extends itself: {cycle}")])
    base = parse(base_text, base_source)
    if "matrix" in base:
        raise ScenarioError(
            source, [Problem("extends", f"{base_name!r} has a matrix; extend a single scenario")]
        )
    base = resolve_extends(base, base_source, parse, resolve, (*chain, source))
    merged: dict[str, Any] = merge(base, document)
    merged["extends"] = base_name
    return merged


def merge(base: Any, override: Any) -> Any:
    """`override` over `base`: mappings by key, id-lists by id, anything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    if _id_list(base) and _id_list(override):
        merged_items = list(base)
        position = {item["id"]: index for index, item in enumerate(merged_items)}
        for item in override:
            if item["id"] in position:
                index = position[item["id"]]
                merged_items[index] = merge(merged_items[index], item)
            else:
                merged_items.append(item)
        return merged_items
    return override


def expand_matrix(document: dict[str, Any], source: str) -> list[Variant]:
    """One variant per combination of the matrix values; the document itself without one."""
    matrix = document.get("matrix")
    if matrix is None:
        return [Variant(document)]
    problems = list(_check_matrix(matrix, document))
    if problems:
        raise ScenarioError(source, problems)
    paths = [path for path, _ in matrix.items()]
    combinations = list(itertools.product(*(matrix[path] for path in paths)))
    if len(combinations) > MAX_VARIANTS:
        raise ScenarioError(
            source,
            [Problem("matrix", f"{len(combinations)} combinations; at most {MAX_VARIANTS}")],
        )
    base = {key: value for key, value in document.items() if key != "matrix"}
    variants = []
    for values in combinations:
        variant = _deep_copy(base)
        chosen = tuple(zip(paths, values, strict=True))
        for path, value in chosen:
            _set(variant, path.split("."), value)
        labels = (f"{path.split('.')[-1]}_{_label(value)}" for path, value in chosen)
        variant["id"] = VARIANT_SEPARATOR.join((str(document.get("id")), *labels))
        variants.append(Variant(variant, chosen))
    return variants


def family_of(scenario_id: str) -> str:
    """The id of the file a (possibly matrix-expanded) scenario id comes from."""
    return scenario_id.split(VARIANT_SEPARATOR, 1)[0]


def _check_matrix(matrix: Any, document: dict[str, Any]) -> Iterator[Problem]:
    if not isinstance(matrix, dict) or not matrix:
        yield Problem("matrix", "expected a mapping of field paths to lists of values")
        return
    for path, values in matrix.items():
        where = f"matrix.{path}"
        if not isinstance(path, str) or path.split(".")[0] in ("id", "matrix", "extends"):
            yield Problem(where, "expected a field path such as injections.crash.params.drop")
            continue
        if not isinstance(values, list) or not values:
            yield Problem(where, "expected a non-empty list of values")
            continue
        if not all(isinstance(v, SCALAR) for v in values):
            yield Problem(where, "values must be numbers, strings or booleans")
            continue
        if len({_label(v) for v in values}) != len(values):
            yield Problem(where, "values repeat")
            continue
        missing = _missing_step(document, path.split("."))
        if missing is not None:
            yield Problem(where, missing)


def _missing_step(document: Any, steps: list[str]) -> str | None:
    """Why `steps` does not lead into the document, or None when its parent exists (the leaf
    itself may be absent: a matrix may set a parameter the file leaves at its default)."""
    node = document
    for depth, step in enumerate(steps[:-1]):
        child = _child(node, step)
        if child is None:
            walked = ".".join(steps[: depth + 1])
            return f"{walked!r} is not in the scenario (lists are addressed by item id)"
        node = child
    if not isinstance(node, dict):
        return f"{'.'.join(steps[:-1])!r} is not a mapping"
    return None


def _child(node: Any, step: str) -> Any:
    if isinstance(node, dict):
        return node.get(step)
    if _id_list(node):
        return next((item for item in node if item["id"] == step), None)
    return None


def _set(node: Any, steps: list[str], value: Any) -> None:
    for step in steps[:-1]:
        node = _child(node, step)
    node[steps[-1]] = value


def _label(value: Any) -> str:
    text = str(value).lower().replace("-", "m").replace(".", "_")
    return re.sub(r"[^a-z0-9_]", "", text)


def _id_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in value)
    )


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value
