"""Replays as a user starts them, `riskproof run` in a process of its own, and what a replay
leaves behind: lake partitions that must read back whole, a warehouse whose views must answer."""

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
from filelock import FileLock

from tests.dagster_home import project_dagster_home
from tests.integration.conftest import SHORT_CRASH

BRIEF_DEPEG = Path(__file__).parent / "scenarios" / "brief_depeg.yaml"
SCENARIOS = {"short_crash": SHORT_CRASH, "brief_depeg": BRIEF_DEPEG}
# Credentials a user may have exported; none may be written or printed by anything we run.
SENTINELS = {
    "COINGECKO_API_KEY": "CG-SENTINEL-pro-7f3a9c",
    "RISKPROOF_COINGECKO_API_KEY": "CG-SENTINEL-riskproof-51d2e8",
    "RISKPROOF_EXCHANGE_API_KEY": "EX-SENTINEL-key-0b6e44",
    "RISKPROOF_EXCHANGE_SECRET": "EX-SENTINEL-secret-c29d17",
}


@dataclass(frozen=True)
class Home:
    """Where one test's runs live: its data directory and its own Dagster instance."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def lake(self) -> Path:
        return self.data / "lake"

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse.duckdb"

    def env(self) -> dict[str, str]:
        project_dagster_home(self.root / "dagster_home")
        return {**os.environ, "DAGSTER_HOME": str(self.root / "dagster_home"), **SENTINELS}

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """`riskproof --data-dir <data> ARGS`, output to files under root (grepped later)."""
        logs = self.root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        n = len(list(logs.glob("*.out")))
        return subprocess.Popen(
            [sys.executable, "-m", "pipelines", "--data-dir", str(self.data), *args],
            cwd=self.root,
            env=self.env(),
            stdout=open(logs / f"{n:03d}.out", "wb"),  # noqa: SIM115 - the child owns it
            stderr=open(logs / f"{n:03d}.err", "wb"),  # noqa: SIM115
        )

    def run(self, *args: str) -> None:
        """`riskproof ARGS` to completion; it must succeed."""
        process = self.start(*args)
        assert process.wait() == 0, self.last_output()

    def last_output(self) -> str:
        logs = sorted((self.root / "logs").glob("*.out"))
        return logs[-1].read_text() + logs[-1].with_suffix(".err").read_text()


def run_args(*scenario_ids: str, workers: int = 1) -> list[str]:
    return ["run", *(str(SCENARIOS[s]) for s in scenario_ids), "--workers", str(workers)]


def partition_hashes(lake: Path, scenario_id: str) -> dict[str, str]:
    """sha256 of every file of the scenario's partitions (tables and manifest), by lake path."""
    return {
        str(path.relative_to(lake)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(lake.glob(f"*/*/scenario={scenario_id}/*"))
        if not path.name.endswith(".tmp")
    }


def partition_rows(lake: Path) -> dict[tuple[str, str], int]:
    """Rows of every (schema.table, scenario) partition, from the Parquet footers."""
    return {
        (f"{path.parts[-4]}.{path.parts[-3]}", path.parts[-2].removeprefix("scenario=")): (
            pl.scan_parquet(path).select(pl.len()).collect().item()
        )
        for path in lake.glob("*/*/scenario=*/part-0.parquet")
    }


def broken_lake_files(lake: Path) -> list[Path]:
    """Files in the lake a reader could trip on: a partition or manifest that does not read back
    whole, or a leftover temporary file that is not hidden from the readers' globs."""
    broken = []
    for path in sorted(p for p in lake.rglob("*") if p.is_file()):
        if path.name.endswith(".tmp"):
            if not path.name.startswith("."):  # `*.parquet` globs skip dot files only
                broken.append(path)
            continue
        try:
            if path.suffix == ".parquet":
                # every column chunk decoded, and as many rows as the footer promises
                footer_rows = pl.scan_parquet(path).select(pl.len()).collect().item()
                assert pl.read_parquet(path).height == footer_rows
            elif path.suffix == ".json":
                json.loads(path.read_text())
            else:
                broken.append(path)
        except Exception:  # any failure to read it back is the finding
            broken.append(path)
    return broken


def warehouse_answers(home: Home) -> dict[str, dict[str, int]]:
    """Rows per scenario of every warehouse view, read the way the writers write: behind their
    lock, so a reader never meets a writer mid-publish. Raises if any view fails a query."""
    if not home.warehouse.exists():
        return {}
    with FileLock(f"{home.warehouse}.lock", timeout=300):
        connection = duckdb.connect(str(home.warehouse), read_only=True)
        try:
            views = connection.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'VIEW' and table_catalog = current_database() "
                "and table_schema not in ('information_schema', 'pg_catalog', 'main')"
            ).fetchall()
            return {
                f"{schema}.{table}": dict(
                    connection.execute(
                        f'select scenario_id, count(*) from "{schema}"."{table}" group by 1'
                    ).fetchall()
                )
                for schema, table in views
            }
        finally:
            connection.close()
