"""The compiled co-simulation core writes the very tables the interpreted one does, byte for
byte, through the whole replay: every lake file of a replay with scripted orders, a custodian
and four strategies."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulators.compiled import BUILD_DIR, EXTENSION, HOT_MODULES, INTERPRETED, Build
from tests.dagster_home import project_dagster_home

ROOT = Path(__file__).resolve().parents[2]
# the benchmark's replay, 3 hours of it: every part of the co-simulation trades
BENCH = ROOT / "benchmarks" / "bench_depeg_36h.yaml"
WHICH_CORE = (
    "import simulators, simulators.exchange.engine as e; print(simulators.CORE); print(e.__file__)"
)


@pytest.fixture(scope="module")
def built() -> None:
    """The build of these sources, made here as `make native` would if it is missing or stale
    (`make test` builds it first, so there it is already current)."""
    build = Build.read(BUILD_DIR)
    if build is None or build.mismatch(ROOT) is not None:
        subprocess.run(
            [sys.executable, "-m", "simulators.compiled.build"],
            cwd=ROOT, env=os.environ | {INTERPRETED: "1"}, check=True, capture_output=True,
        )  # fmt: skip


def environment(home: Path, interpreted: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != INTERPRETED}
    env["DAGSTER_HOME"] = str(home)
    if interpreted:
        env[INTERPRETED] = "1"
    return env


def replay(tmp_path: Path, name: str, interpreted: bool) -> dict[str, str]:
    scenario = tmp_path / name / "compiled_core_check.yaml"
    scenario.parent.mkdir()
    text = BENCH.read_text().replace("id: bench_depeg_36h", "id: compiled_core_check")
    scenario.write_text(
        text.replace("duration: 36h", "duration: 3h").replace("over: 36h", "over: 3h")
    )
    env = environment(project_dagster_home(tmp_path / name / "home"), interpreted)
    data = tmp_path / name / "data"
    subprocess.run(
        [sys.executable, "-m", "pipelines", "--data-dir", str(data), "run", str(scenario)],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    lake = data / "lake"
    return {
        str(p.relative_to(lake)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(lake.rglob("*.parquet"))
    }


def test_the_compiled_core_is_what_a_process_loads(built: None, tmp_path: Path) -> None:
    shown = subprocess.run(
        [sys.executable, "-c", WHICH_CORE],
        cwd=ROOT, env=environment(tmp_path, interpreted=False),
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()  # fmt: skip
    assert shown[0].startswith(f"compiled (mypyc: {len(HOT_MODULES)} modules")
    assert shown[1].endswith(EXTENSION)
    interpreted = subprocess.run(
        [sys.executable, "-c", WHICH_CORE],
        cwd=ROOT, env=environment(tmp_path, interpreted=True),
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()  # fmt: skip
    assert interpreted == [
        f"interpreted ({INTERPRETED} is set)",
        str(ROOT / "simulators/exchange/engine.py"),
    ]


def test_compiled_and_interpreted_replays_write_byte_identical_lakes(
    built: None, tmp_path: Path
) -> None:
    compiled = replay(tmp_path, "compiled", interpreted=False)
    interpreted = replay(tmp_path, "interpreted", interpreted=True)
    assert len(compiled) == 38
    assert any("strategy_log" in name for name in compiled)
    assert compiled == interpreted
