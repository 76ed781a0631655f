"""Modules great_expectations imports yet this suite never uses, loaded only once touched.

At import, great_expectations loads scipy's statistics, spatial and linear-algebra modules and
altair's charts, for expectations and renderings the tick suite never runs: a third of its
import's CPU, taken from the replay's second core. The standard library's `LazyLoader` defers
each of them until an attribute is first read, so a suite that does use one gets it whole.
Only the sidecar process defers them.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

DEFERRED = frozenset({"scipy.stats", "scipy.spatial", "scipy.linalg", "altair"})


class _DeferringFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in DEFERRED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def defer_unused_imports() -> None:
    """Before great_expectations is imported; once per process."""
    if not any(isinstance(finder, _DeferringFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _DeferringFinder())
