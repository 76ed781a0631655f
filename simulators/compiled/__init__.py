"""The co-simulation's hot modules compiled to C by mypyc, used only when built from these very
sources.

`make native` (a prerequisite of `make run`, `make test` and `make bench`) runs
`python -m simulators.compiled.build`: the modules of HOT_MODULES become extension modules under
`.build/compiled`, with a manifest of the sources they were built from. At `import simulators`,
`use_compiled_core` puts them in front of their `.py` files if the manifest matches the sources
and this interpreter; otherwise the package runs interpreted, exactly as before, and says why.
Either way the tables are the same, byte for byte (tests/integration/test_compiled_core.py).

RISKPROOF_INTERPRETED=1 turns the compiled core off: to profile the co-simulation in Python
frames, or to compare the two.
"""

import json
import os
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType

from simulators.compiled.sources import changed_sources, source_digests

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = ROOT / ".build" / "compiled"
MANIFEST = "manifest.json"
INTERPRETED = "RISKPROOF_INTERPRETED"
EXTENSION = EXTENSION_SUFFIXES[0]  # this interpreter's ABI: ".cpython-311-x86_64-linux-gnu.so"

# What a replay's co-simulation runs second by second: the exchange, its books and ledger, the
# strategies and their desks. Whatever subclasses a compiled class must be compiled too (an
# interpreted class cannot inherit from a native one), so simulators.latency and the configs
# that extend it stay interpreted.
HOT_MODULES = (
    "simulators.columns",
    "simulators.exchange.api_view",
    "simulators.exchange.backdoors",
    "simulators.exchange.book",
    "simulators.exchange.book_history",
    "simulators.exchange.client_book",
    "simulators.exchange.crossing",
    "simulators.exchange.draws",
    "simulators.exchange.engine",
    "simulators.exchange.impact",
    "simulators.exchange.ledger",
    "simulators.exchange.liquidity",
    "simulators.exchange.market",
    "simulators.exchange.matching",
    "simulators.exchange.orders",
    "simulators.exchange.records",
    "simulators.exchange.settlement",
    "simulators.strategies.base",
    "simulators.strategies.chaos",
    "simulators.strategies.cosim",
    "simulators.strategies.desk",
    "simulators.strategies.desk_records",
    "simulators.strategies.lazy_views",
    "simulators.strategies.normal",
    "simulators.strategies.oms",
    "simulators.strategies.tape",
)


@dataclass(frozen=True)
class Build:
    """A manifest: the extension modules built, for which interpreter, from which sources."""

    extension: str
    modules: tuple[str, ...]
    sources: dict[str, str]

    @classmethod
    def read(cls, folder: Path) -> "Build | None":
        try:
            document = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(document["extension"], tuple(document["modules"]), document["sources"])
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as error:
            raise RuntimeError(f"{folder / MANIFEST}: not a build manifest ({error})") from None

    def write(self, folder: Path) -> None:
        document = {"extension": self.extension, "modules": self.modules, "sources": self.sources}
        (folder / MANIFEST).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")

    def mismatch(self, root: Path) -> str | None:
        """Why this build does not fit this interpreter and the sources under `root`, or None."""
        if self.extension != EXTENSION:
            return f"it was built for {self.extension!r}, this interpreter loads {EXTENSION!r}"
        changed = changed_sources(self.sources, source_digests(root))
        if changed:
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            return f"{', '.join(changed[:3])}{more} changed since it was built"
        return None


class CompiledModules(MetaPathFinder):
    """Finds the built extension of each module a build holds, before the `.py` file is."""

    def __init__(self, folder: Path, modules: Sequence[str]) -> None:
        self.folder = folder
        self.modules = frozenset(modules)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return spec_from_file_location(
            fullname, self.folder / (fullname.replace(".", "/") + EXTENSION)
        )


def use_compiled_core(
    folder: Path = BUILD_DIR, root: Path = ROOT, meta_path: list[MetaPathFinder] | None = None
) -> str:
    """Load the hot modules from the build in `folder` if it fits; say which core runs."""
    finders = sys.meta_path if meta_path is None else meta_path
    installed = next((f for f in finders if isinstance(f, CompiledModules)), None)
    if installed is not None:
        return describe(installed)
    if os.environ.get(INTERPRETED):
        return f"interpreted ({INTERPRETED} is set)"
    build = Build.read(folder)
    if build is None:
        return "interpreted (not built: `make native` compiles it)"
    why = build.mismatch(root)
    if why is not None:
        warnings.warn(
            f"simulators run interpreted, slower: the compiled core in {folder} is stale, {why}; "
            "`make native` rebuilds it",
            RuntimeWarning,
            stacklevel=2,
        )
        return f"interpreted (stale build: {why})"
    finder = CompiledModules(folder, build.modules)
    finders.insert(0, finder)
    return describe(finder)


def describe(finder: CompiledModules) -> str:
    hot = len(finder.modules & set(HOT_MODULES))
    return f"compiled (mypyc: {hot} modules from {finder.folder})"


# At `import simulators`, before any module of the package: found later, a hot module would
# already be loaded from its `.py` file.
CORE = use_compiled_core()


def runs_compiled() -> bool:
    """Whether this process loads the hot modules from the compiled build."""
    return any(isinstance(finder, CompiledModules) for finder in sys.meta_path)
