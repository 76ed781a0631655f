"""The JSON Schema of scenario files, generated from the models the validator enforces.

Published as `scenarios/scenario.schema.json` (a test keeps it equal to this output), so an
editor with a YAML language server completes and checks scenario files as they are typed. The
pydantic models give the shape; this adds what they leave open: injection and strategy
`params` per `kind`, rule names for `alert` and `must_not_fire`, durations as we write them
(`15m`, not ISO 8601), and a relaxed twin of every definition for files that `extends:` a base
(a child names only what it changes).
"""

import copy
import json
import re
from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from pipelines.project import LIBRARY_DIR
from risk_monitor import RULE_NAMES
from scenarios.durations import format_duration
from scenarios.injections import KINDS
from scenarios.model import Scenario
from scenarios.strategy_kinds import STRATEGY_KINDS
from scenarios.universe import ASSETS, PERPETUALS

PUBLISHED = LIBRARY_DIR.parent / "scenario.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DURATION = {
    "type": "string",
    "pattern": r"^\s*\d+(ms|s|m|h|d)\s*$",
    "examples": ["500ms", "30s", "15m", "6h", "2d"],
}
PATCH = "Patch"
_ISO = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def scenario_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    root = Scenario.model_json_schema(ref_template="#/$defs/{model}")
    defs.update(root.pop("$defs"))
    defs["Scenario"] = root
    _by_kind(defs, "Injection", {k: v.params for k, v in KINDS.items()})
    for kind, spec in KINDS.items():
        then = defs["Injection"]["allOf"][sorted(KINDS).index(kind)]["then"]
        then["properties"]["target"] = {"const": spec.target}
    _by_kind(defs, "StrategySpec", {k: v.params for k, v in STRATEGY_KINDS.items()})
    _assets(defs)
    rules = {"type": "string", "enum": sorted(RULE_NAMES)}
    defs["Expectation"]["properties"]["alert"] = {**rules, "title": "Alert"}
    root["properties"]["must_not_fire"]["items"] = rules
    for name in list(defs):
        defs[name + PATCH] = _patch(defs[name])
    schema = {
        "$schema": DRAFT,
        "title": "riskproof scenario",
        "description": "A chaos scenario: real market data, injections, and what the risk "
        "monitor must detect. See scenarios/README.md.",
        "if": {"required": ["extends"]},
        "then": {"$ref": f"#/$defs/Scenario{PATCH}"},
        "else": {"$ref": "#/$defs/Scenario"},
        "$defs": dict(sorted(defs.items())),
    }
    with_durations: dict[str, Any] = _durations(schema)
    return with_durations


def schema_text() -> str:
    return json.dumps(scenario_schema(), indent=2, sort_keys=False) + "\n"


def _assets(defs: dict[str, Any]) -> None:
    """Assets, pairs and market sources as the validator knows them."""
    names = "|".join(re.escape(a) for a in ASSETS)
    market = defs["Market"]["properties"]
    market["pairs"]["items"] = {"type": "string", "pattern": f"^({names})/({names})$"}
    market["source"]["pattern"] = r"^(bundled|cache|coingecko|(ccxt|file):[A-Za-z0-9_.-]+)$"
    balances = defs["Account"]["properties"]["balances"]
    balances["propertyNames"] = {"enum": [a for a in ASSETS if a not in PERPETUALS]}


def _by_kind(defs: dict[str, Any], owner: str, params: dict[str, type[BaseModel]]) -> None:
    """`params` of `owner` validated by the model its `kind` registers."""
    branches = []
    for kind in sorted(params):
        model = params[kind]
        model_schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(model_schema.pop("$defs", {}))
        defs[model.__name__] = model_schema
        branches.append(
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"properties": {"params": {"$ref": f"#/$defs/{model.__name__}"}}},
            }
        )
    defs[owner]["properties"]["kind"] = {"type": "string", "enum": sorted(params)}
    defs[owner]["allOf"] = branches


def _patch(node: Any) -> Any:
    """The definition with nothing required but item ids, and references to patch twins."""
    if isinstance(node, dict):
        patched = {key: _patch(value) for key, value in node.items() if key != "required"}
        if "required" in node and "id" in node["required"]:
            patched["required"] = ["id"]
        if isinstance(patched.get("$ref"), str):
            patched["$ref"] += PATCH
        return patched
    if isinstance(node, list):
        return [_patch(item) for item in node]
    return copy.deepcopy(node)


def _durations(node: Any) -> Any:
    """pydantic's ISO 8601 durations as the `15m` strings scenario files use."""
    if isinstance(node, dict):
        if node.get("format") == "duration":
            rest = {k: v for k, v in node.items() if k not in ("format", "type")}
            return {**DURATION, **rest}
        converted = {key: _durations(value) for key, value in node.items()}
        default = converted.get("default")
        if isinstance(default, str) and len(default) > 1 and _ISO.match(default):
            converted["default"] = _iso_to_ours(converted["default"])
        return converted
    if isinstance(node, list):
        return [_durations(item) for item in node]
    return node


def _iso_to_ours(text: str) -> str:
    match = _ISO.match(text)
    assert match is not None
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return format_duration(timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds))
