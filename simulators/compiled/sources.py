"""What a compiled build was made from: the digest of every source file mypy read for it."""

import hashlib
from pathlib import Path

# mypyc compiles the hot modules against the types of everything they import from these
# packages: an edit to any of them may change what the compiled code assumes.
SOURCE_PACKAGES = ("simulators", "scenarios")


def source_digests(root: Path) -> dict[str, str]:
    """sha256 of each `.py` file of SOURCE_PACKAGES under `root`, by its path from `root`."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for package in SOURCE_PACKAGES
        for path in sorted((root / package).rglob("*.py"))
    }


def changed_sources(built_from: dict[str, str], now: dict[str, str]) -> list[str]:
    """The files added, removed or edited since the build, sorted."""
    return sorted(
        name for name in built_from.keys() | now.keys() if built_from.get(name) != now.get(name)
    )
