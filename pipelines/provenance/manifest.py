"""The run manifest: what went into a scenario run and the hash of every table it wrote.

Stored as `<lake>/audit/run_manifest/scenario=<id>/manifest.json`, beside the run's tables and
written atomically like them. It holds no time and no absolute path, so the same run gives the
same bytes wherever its data directory is.
"""

import importlib.metadata
import platform
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, ValidationError

from pipelines import project
from pipelines.audit.ground_truth_export import write_text
from pipelines.contracts import CONTRACTS
from pipelines.provenance.hashing import canonical_json, file_sha256, tree_sha256
from pipelines.resources.lake import Lake, written_sha256

FORMAT = 1
MANIFEST_TABLE = "audit.run_manifest"
MANIFEST_FILE = "manifest.json"
CODE_PACKAGES = ("pipelines", "simulators", "risk_monitor", "correlator", "scenarios")
# Libraries whose version can change the bytes of a table: recorded so a differing rerun on
# another machine can be told apart from a differing run.
LIBRARIES = ("polars", "pyarrow", "numpy", "dagster", "duckdb", "pydantic")


class ManifestError(LookupError):
    pass


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputHash(_Frozen):
    role: str  # scenario | limits | market_data
    name: str
    path: str  # repo-relative, or under `data/` for the data directory
    sha256: str


class OutputHash(_Frozen):
    table: str
    path: str  # relative to the lake root, as `sha256sum -c` inside it expects
    rows: int
    sha256: str


class Code(_Frozen):
    riskproof_version: str
    git_commit: str | None
    source_sha256: str  # every .py file of the five packages
    uv_lock_sha256: str | None


class Manifest(_Frozen):
    format: int
    scenario_id: str
    seed: int
    code: Code
    environment: dict[str, str]
    inputs: list[InputHash]
    outputs: list[OutputHash]

    def input(self, role: str) -> InputHash:
        return next(i for i in self.inputs if i.role == role)

    def to_json(self) -> str:
        return canonical_json(self.model_dump(mode="json"))


def manifest_path(lake_root: Path, scenario_id: str) -> Path:
    schema, table = MANIFEST_TABLE.split(".")
    return lake_root / schema / table / f"scenario={scenario_id}" / MANIFEST_FILE


HASHING_THREADS = 2


def manifest_glob(lake_root: Path) -> str:
    return str(manifest_path(lake_root, "*"))


def write_manifest(lake_root: Path, manifest: Manifest) -> Path:
    path = manifest_path(lake_root, manifest.scenario_id)
    write_text(path, manifest.to_json())
    return path


def read_manifest(lake_root: Path, scenario_id: str) -> Manifest:
    path = manifest_path(lake_root, scenario_id)
    if not path.is_file():
        raise ManifestError(
            f"no run manifest for scenario {scenario_id!r} ({path}): "
            f"run `riskproof run {scenario_id}` first"
        )
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except ValidationError as error:
        raise ManifestError(f"{path} is not a valid run manifest: {error}") from None


def output_hashes(lake: Lake, scenario_id: str) -> tuple[list[OutputHash], list[str]]:
    """Every contract table's partition of the scenario, hashed; and the tables with none."""
    paths = {}
    for table in sorted(CONTRACTS):
        contract = CONTRACTS[table]
        paths[table] = lake.path(contract.schema, contract.table, scenario_id)
    found = {table: path for table, path in paths.items() if path.is_file()}
    # hashlib lets go of the interpreter while it hashes: both cores share the lake's ~100 MB
    with ThreadPoolExecutor(HASHING_THREADS) as pool:
        digests = dict(zip(found, pool.map(written_sha256, found.values()), strict=True))
    hashes = [
        OutputHash(
            table=table,
            path=path.relative_to(lake.root).as_posix(),
            rows=_parquet_rows(path),
            sha256=digests[table],
        )
        for table, path in found.items()
    ]
    return hashes, [table for table in paths if table not in found]


# The code cannot change under a running process: hashed once, not at the end of every run a
# process replays (the library test's workers replay a dozen each).
@cache
def code_identity() -> Code:
    files = [p for package in CODE_PACKAGES for p in (project.ROOT / package).rglob("*.py")]
    lock = project.ROOT / "uv.lock"
    return Code(
        riskproof_version=_version("riskproof"),
        git_commit=_git_commit(),
        source_sha256=tree_sha256(project.ROOT, files),
        uv_lock_sha256=file_sha256(lock) if lock.is_file() else None,
    )


def environment() -> dict[str, str]:
    return {"python": platform.python_version()} | {name: _version(name) for name in LIBRARIES}


def portable(path: Path, data_dir: Path) -> str:
    """A path that means the same on a reviewer's machine: `data/...` inside the data directory
    (whatever --data-dir was), repo-relative inside the checkout, else as given."""
    resolved = path.resolve()
    bundle = project.BUNDLE_DIR.resolve()
    if resolved.is_relative_to(data_dir.resolve()) and not resolved.is_relative_to(bundle):
        return "data/" + resolved.relative_to(data_dir.resolve()).as_posix()
    if resolved.is_relative_to(project.ROOT):
        return resolved.relative_to(project.ROOT).as_posix()
    return str(path)


def _parquet_rows(path: Path) -> int:
    """From the footer alone: the file was just written and checked."""
    return int(pl.scan_parquet(path).select(pl.len()).collect().item())


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _git_commit() -> str | None:
    """The checkout's commit, for a reviewer to check out; None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "-C", str(project.ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None
