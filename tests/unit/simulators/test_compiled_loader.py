"""Which core `import simulators` runs: the compiled build only when it was made from these very
sources for this interpreter; otherwise interpreted, saying why."""

from collections.abc import Callable
from importlib.abc import MetaPathFinder
from pathlib import Path

import pytest

from simulators.compiled import (
    EXTENSION,
    INTERPRETED,
    MANIFEST,
    Build,
    CompiledModules,
    use_compiled_core,
)
from simulators.compiled.sources import source_digests

MODULE = "simulators.exchange.engine"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A repository of two source packages, and a build made from them."""
    root = tmp_path / "repo"
    for name in ("simulators/exchange/engine.py", "scenarios/model.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"# {name}\n")
    (root / "data" / "notes.txt").parent.mkdir()
    (root / "data" / "notes.txt").write_text("not a source")
    build = root / ".build" / "compiled"
    build.mkdir(parents=True)
    Build(EXTENSION, (MODULE, "abc__mypyc"), source_digests(root)).write(build)
    return root


def choose(root: Path) -> tuple[str, list[MetaPathFinder]]:
    finders: list[MetaPathFinder] = []
    return use_compiled_core(root / ".build" / "compiled", root, finders), finders


@pytest.fixture(autouse=True)
def compiled_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(INTERPRETED, raising=False)


def test_a_build_of_these_sources_is_put_first(tree: Path) -> None:
    core, finders = choose(tree)
    assert core.startswith("compiled (mypyc: 1 modules from ")
    [finder] = finders
    assert isinstance(finder, CompiledModules)
    spec = finder.find_spec(MODULE, None)
    assert spec is not None
    assert spec.origin == str(tree / ".build/compiled/simulators/exchange/engine") + EXTENSION
    shared = finder.find_spec("abc__mypyc", None)  # the group's shared library, top level
    assert shared is not None
    assert shared.origin == str(tree / ".build/compiled/abc__mypyc") + EXTENSION
    assert finder.find_spec("simulators.exchange.ledger", None) is None  # not in the build


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda root: (root / "scenarios/model.py").write_text("x = 1\n"), "scenarios/model.py"),
        (lambda root: (root / "simulators/new.py").write_text(""), "simulators/new.py"),
        (lambda root: (root / "simulators/exchange/engine.py").unlink(), "engine.py"),
    ],
    ids=["edited", "added", "removed"],
)
def test_a_stale_build_is_left_alone_with_a_warning_naming_the_file(
    tree: Path, change: Callable[[Path], object], named: str
) -> None:
    change(tree)
    with pytest.warns(RuntimeWarning, match=f"stale, .*{named}.* changed since it was built"):
        core, finders = choose(tree)
    assert core.startswith("interpreted (stale build: ")
    assert finders == []


def test_data_files_do_not_make_a_build_stale(tree: Path) -> None:
    (tree / "data" / "notes.txt").write_text("edited")
    (tree / "simulators" / "README.md").write_text("docs")
    assert choose(tree)[0].startswith("compiled")


def test_a_build_for_another_interpreter_is_not_loaded(tree: Path) -> None:
    folder = tree / ".build" / "compiled"
    Build(".cpython-312-x86_64-linux-gnu.so", (MODULE,), source_digests(tree)).write(folder)
    with pytest.warns(RuntimeWarning, match="built for '.cpython-312"):
        core, finders = choose(tree)
    assert finders == []
    assert core.startswith("interpreted")


def test_without_a_build_the_core_is_interpreted_quietly(tmp_path: Path) -> None:
    (tmp_path / "simulators").mkdir()
    core, finders = choose(tmp_path)
    assert core == "interpreted (not built: `make native` compiles it)"
    assert finders == []


def test_the_environment_can_turn_the_compiled_core_off(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INTERPRETED, "1")
    core, finders = choose(tree)
    assert core == f"interpreted ({INTERPRETED} is set)"
    assert finders == []


def test_a_corrupt_manifest_is_an_error_naming_it(tree: Path) -> None:
    manifest = tree / ".build" / "compiled" / MANIFEST
    manifest.write_text('{"extension": ".so"}')
    with pytest.raises(RuntimeError, match=f"{manifest}: not a build manifest"):
        choose(tree)


def test_the_finder_is_installed_once(tree: Path) -> None:
    finders: list[MetaPathFinder] = []
    folder = tree / ".build" / "compiled"
    first = use_compiled_core(folder, tree, finders)
    assert use_compiled_core(folder, tree, finders) == first
    assert len(finders) == 1
