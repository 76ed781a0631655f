"""Where scenarios come from: the library in the repo, plus files a user ran from elsewhere."""

import shutil
from dataclasses import replace
from pathlib import Path

from dagster import ConfigurableResource

from pipelines.project import LIBRARY_DIR, USER_SCENARIOS_DIR
from risk_monitor import RULE_NAMES
from scenarios import Problem, ScenarioError, ValidScenario, load_scenario


def read_scenario(path: Path) -> ValidScenario:
    """Validate one scenario file; its name must be `<id>.yaml` so an id always finds its file."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(source, [Problem("", f"cannot read file: {error}")]) from None
    return load_scenario(text, source, RULE_NAMES)


class ScenarioCatalog(ConfigurableResource):  # type: ignore[type-arg]
    library_dir: str = str(LIBRARY_DIR)
    user_dir: str = str(USER_SCENARIOS_DIR)
    seed_override: int | None = None

    def library_paths(self) -> list[Path]:
        return sorted(Path(self.library_dir).glob("*.yaml"))

    def ids(self) -> list[str]:
        found = {p.stem for p in self.library_paths()}
        found |= {p.stem for p in Path(self.user_dir).glob("*.yaml")}
        return sorted(found)

    def path_for(self, scenario_id: str) -> Path:
        for directory in (Path(self.library_dir), Path(self.user_dir)):
            candidate = directory / f"{scenario_id}.yaml"
            if candidate.exists():
                return candidate
        known = ", ".join(self.ids()) or "none"
        raise KeyError(f"no scenario {scenario_id!r} in the library or data/scenarios ({known})")

    def load(self, scenario_id: str) -> ValidScenario:
        scenario = read_scenario(self.path_for(scenario_id))
        if scenario.id != scenario_id:
            raise ScenarioError(
                scenario.source, [Problem("id", f"must match the file name {scenario_id!r}")]
            )
        if self.seed_override is not None:
            spec = scenario.spec.model_copy(update={"seed": self.seed_override})
            return replace(scenario, spec=spec)
        return scenario

    def admit(self, path: Path) -> ValidScenario:
        """Validate a scenario file from anywhere and keep a copy under data/scenarios, so its
        partition can be rerun, inspected in the UI and cited as evidence later."""
        scenario = read_scenario(path)
        library_twin = Path(self.library_dir) / f"{scenario.id}.yaml"
        if library_twin.exists() and library_twin.resolve() != path.resolve():
            if library_twin.read_bytes() != path.read_bytes():
                raise ScenarioError(
                    str(path),
                    [Problem("id", f"{scenario.id!r} already names {library_twin}; rename it")],
                )
            return scenario
        if path.resolve().parent != Path(self.library_dir).resolve():
            target = Path(self.user_dir) / f"{scenario.id}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.resolve() != target.resolve():
                shutil.copyfile(path, target)
        return scenario
