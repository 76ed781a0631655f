"""Where scenarios come from: the library in the repo, plus files a user ran from elsewhere."""

import re
import shutil
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import NamedTuple

import yaml
from dagster import ConfigurableResource

from pipelines.project import LIBRARY_DIR, USER_SCENARIOS_DIR
from pipelines.resources.atomic import write_atomically
from pipelines.resources.limits import LimitsLibrary
from risk_monitor import RULE_NAMES
from risk_monitor.errors import LimitsError
from scenarios import Problem, ScenarioError, ValidScenario, load_scenarios
from scenarios.compose import BaseResolver, family_of

# What a scenario id may be (scenarios.model.Identifier): it names files and lake partitions.
SCENARIO_ID = re.compile(r"[a-z0-9_]+", re.ASCII)


def read_scenarios(path: Path, resolve: BaseResolver | None = None) -> list[ValidScenario]:
    """Validate one scenario file: itself, or every variant of its matrix. Its name must be
    `<id>.yaml` so an id always finds its file."""
    text, resolve = _read_text(path), resolve or _standalone
    scenarios = _PARSED.recall(path, text, resolve)
    if scenarios is None:
        bases: list[Base] = []

        def resolve_and_note(name: str, child_source: str) -> tuple[str, str]:
            bases.append(Base(name, child_source, resolve(name, child_source)))
            return bases[-1].resolved

        scenarios = load_scenarios(text, str(path), RULE_NAMES, resolve_and_note)
        family = family_of(scenarios[0].id)
        if family != path.stem:
            problem = Problem("id", f"must match the file name {path.stem!r}")
            raise ScenarioError(str(path), [problem])
        _PARSED.keep(path, text, bases, scenarios)
    _check_limits(scenarios, path)
    return list(scenarios)


class Base(NamedTuple):
    """A base an `extends:` named, as it was resolved: its text and where it came from."""

    name: str
    child_source: str
    resolved: tuple[str, str]


class _ParsedFiles:
    """Scenario files already validated in this process: every stage of a replay loads its
    scenario, and the YAML parser is pure Python. A file is parsed again when its text, or the
    text or place of any base it extends, is not what it was."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[str, list[Base], list[ValidScenario]]] = {}

    def recall(self, path: Path, text: str, resolve: BaseResolver) -> list[ValidScenario] | None:
        kept = self._files.get(path)
        if kept is None or kept[0] != text:
            return None
        try:
            unchanged = all(resolve(b.name, b.child_source) == b.resolved for b in kept[1])
        except (KeyError, ScenarioError):  # a base gone: parse again, and say so
            return None
        return kept[2] if unchanged else None

    def keep(
        self, path: Path, text: str, bases: list[Base], scenarios: list[ValidScenario]
    ) -> None:
        self._files[path] = (text, bases, scenarios)


_PARSED = _ParsedFiles()


def _check_limits(scenarios: list[ValidScenario], path: Path) -> None:
    """The limits each scenario names load, so a typo there fails at the door, not mid-replay."""
    problems: list[Problem] = []
    for scenario in scenarios:
        try:
            LimitsLibrary().load(scenario.spec.limits, str(path))
        except LimitsError as error:
            prefix = f"{path}: "
            problems += [Problem("", p.removeprefix(prefix)) for p in error.problems]
        except FileNotFoundError as error:
            problems.append(Problem("", str(error).removeprefix(f"{path}: ")))
    if problems:
        raise ScenarioError(str(path), list(dict.fromkeys(problems)))


def read_scenario(path: Path) -> ValidScenario:
    """Validate one single-scenario file (bases of `extends` from the library)."""
    scenarios = read_scenarios(path)
    if len(scenarios) != 1:
        count = f"expands into {len(scenarios)} scenarios; name one by id"
        raise ScenarioError(str(path), [Problem("matrix", count)])
    return scenarios[0]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), [Problem("", f"cannot read file: {error}")]) from None


def _standalone(name: str, child_source: str) -> tuple[str, str]:
    return ScenarioCatalog().resolve_base(name, child_source)


class ScenarioCatalog(ConfigurableResource):  # type: ignore[type-arg]
    library_dir: str = str(LIBRARY_DIR)
    user_dir: str = str(USER_SCENARIOS_DIR)
    seed_override: int | None = None

    def library_paths(self) -> list[Path]:
        return sorted(Path(self.library_dir).glob("*.yaml"))

    def files(self) -> list[Path]:
        """Every scenario file, library first; a user file of a library id is the library's."""
        library = self.library_paths()
        names = {p.name for p in library}
        user = sorted(p for p in Path(self.user_dir).glob("*.yaml") if p.name not in names)
        return library + user

    def ids(self) -> list[str]:
        """Every runnable scenario id, matrix files expanded into their variants."""
        return sorted(s.id for path in self.files() for s in self.expand(path.stem))

    def path_for(self, scenario_id: str) -> Path:
        family = family_of(scenario_id)
        if not SCENARIO_ID.fullmatch(family):
            # an id is a name, never a path: `../x` must not find a file outside the library
            raise KeyError(
                f"{scenario_id!r} is not a scenario id (lowercase letters, digits, underscores)"
            )
        for directory in (Path(self.library_dir), Path(self.user_dir)):
            candidate = directory / f"{family}.yaml"
            if candidate.exists():
                return candidate
        raise KeyError(
            f"no scenario {family!r} in the library or data/scenarios "
            "(`riskproof scenarios list` shows the library)"
        )

    def resolve_base(self, name: str, child_source: str) -> tuple[str, str]:
        """The base an `extends:` names: a path relative to the extending file, else an id."""
        if Path(name).is_absolute():
            raise KeyError(f"{name!r}: name a library id or a path relative to this file")
        relative = Path(child_source).parent / name
        path = relative if name.endswith((".yaml", ".yml")) and relative.exists() else None
        path = path or self.path_for(Path(name).stem if name.endswith(".yaml") else name)
        return _read_text(path), str(path)

    def base_files(self, scenario_id: str) -> list[Path]:
        """The files a scenario's `extends:` chain reads, nearest base first."""
        found: list[Path] = []
        source = str(self.path_for(scenario_id))
        document = yaml.safe_load(_read_text(Path(source)))
        while isinstance(document, dict) and isinstance(document.get("extends"), str):
            text, source = self.resolve_base(document["extends"], source)
            if Path(source) in found:
                break
            found.append(Path(source))
            document = yaml.safe_load(text)
        return found

    def expand(self, name: str) -> list[ValidScenario]:
        """The scenarios a file id stands for (its matrix variants), each named by its id."""
        scenarios = read_scenarios(self.path_for(name), self.resolve_base)
        return [self._seeded(s) for s in scenarios]

    def span_s(self, scenario_id: str) -> float:
        """The market time a scenario replays, in seconds: roughly what its replay costs."""
        scenario = self.load(scenario_id)
        return (scenario.end - scenario.start).total_seconds()

    def load(self, scenario_id: str) -> ValidScenario:
        for scenario in self.expand(family_of(scenario_id)):
            if scenario.id == scenario_id:
                return scenario
        path = self.path_for(scenario_id)
        raise KeyError(f"{path} declares no scenario {scenario_id!r}")

    def target(self, target: str) -> list[ValidScenario]:
        """What a user names on the command line: a YAML path (admitted), a file id (every
        variant of its matrix) or one scenario id."""
        path = Path(target)
        if target.endswith((".yaml", ".yml")) or path.exists():
            if not path.is_file():
                raise ScenarioError(target, [Problem("", "no such file")])
            return self.admit(path)
        if family_of(target) == target:
            return self.expand(target)
        return [self.load(target)]

    def _seeded(self, scenario: ValidScenario) -> ValidScenario:
        if self.seed_override is None:
            return scenario
        return replace(scenario, spec=scenario.spec.model_copy(update={"seed": self.seed_override}))

    def admit(self, path: Path) -> list[ValidScenario]:
        """Validate a scenario file from anywhere and keep a copy under data/scenarios, so its
        partitions can be rerun, inspected in the UI and cited as evidence later. A base it
        extends by path is kept beside it, so the copy resolves it by id."""
        scenarios = read_scenarios(path, self.resolve_base)
        family = family_of(scenarios[0].id)
        library_twin = Path(self.library_dir) / f"{family}.yaml"
        if library_twin.exists() and library_twin.resolve() != path.resolve():
            if library_twin.read_bytes() != path.read_bytes():
                raise ScenarioError(
                    str(path),
                    [Problem("id", f"{family!r} already names {library_twin}; rename it")],
                )
            return scenarios
        if path.resolve().parent != Path(self.library_dir).resolve():
            base = scenarios[0].spec.extends
            if base is not None and (path.parent / base).is_file():
                self.admit(path.parent / base)
            target = Path(self.user_dir) / f"{family}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.resolve() != target.resolve():
                # a run killed mid-copy must not leave a truncated scenario for the next one
                write_atomically(target, partial(shutil.copyfile, path))
        return scenarios
