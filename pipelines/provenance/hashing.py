"""Content hashes and the canonical JSON they are recorded in.

Output tables are hashed as Parquet bytes, not as decoded content: same inputs and seed give
byte-identical files (tests/integration/test_determinism_and_purity.py), a reviewer can check them
with `sha256sum` alone, and a flipped byte anywhere in a file, footer included, changes its hash
without the file having to be readable.
"""

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipelines.resources.lake import file_sha256

__all__ = ["canonical_json", "file_sha256", "text_sha256", "tree_sha256", "value_sha256"]


def canonical_json(value: Any) -> str:
    """Sorted keys, fixed separators, a final newline: equal values give equal bytes."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def value_sha256(value: Any) -> str:
    """A JSON-able value's hash, independent of key order (inline limits in a scenario file)."""
    return text_sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str))


def tree_sha256(root: Path, files: Iterable[Path]) -> str:
    """One hash for a set of files: each file's root-relative POSIX path and content hash, in
    path order, so it names what changed in kind (a file moved or edited) and not its mtime."""
    lines = sorted(f"{path.relative_to(root).as_posix()}\0{file_sha256(path)}\n" for path in files)
    return text_sha256("".join(lines))
