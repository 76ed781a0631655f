"""The risk monitor's limits files: named files under risk_monitor/limits, or inline mappings."""

from functools import lru_cache
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource

from pipelines.project import LIMITS_DIR
from risk_monitor.limits import Limits, limits_from_mapping, parse_limits


class LimitsLibrary(ConfigurableResource):  # type: ignore[type-arg]
    limits_dir: str = str(LIMITS_DIR)

    def load(self, reference: str | dict[str, Any], scenario_source: str) -> Limits:
        if isinstance(reference, dict):
            return limits_from_mapping(reference, f"{scenario_source}: limits")
        path = Path(self.limits_dir) / f"{reference}.yaml"
        if not path.exists():
            known = ", ".join(sorted(p.stem for p in Path(self.limits_dir).glob("*.yaml")))
            raise FileNotFoundError(
                f"{scenario_source}: limits: no limits file {reference!r} in {self.limits_dir} "
                f"(known: {known})"
            )
        return _parsed(path.read_text(encoding="utf-8"), str(path))


# Every stage of a replay loads its scenario's limits, and the YAML parser is pure Python: a
# file's text parsed once per process. A failure is not kept, so it is raised every time.
@lru_cache(maxsize=64)
def _parsed(text: str, source: str) -> Limits:
    return parse_limits(text, source)
