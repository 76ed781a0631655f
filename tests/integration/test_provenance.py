"""Evidence that stands up: the run manifest, `riskproof verify` and `riskproof evidence`, over
a real replay of the short crash through the CLI (with a seed other than the file's)."""

import gzip
import hashlib
import io
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

from pipelines.cli import main
from pipelines.contracts import CONTRACTS
from pipelines.provenance.compare import DIFFERS, output_rows
from pipelines.provenance.manifest import manifest_path, read_manifest
from tests.integration.conftest import SHORT_CRASH

SEED = 11  # not the file's 5: the manifest and verify must use the seed the run used
SID = "short_crash"


def cli(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("provenance")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        (root / "dagster_home").mkdir()
        answer = cli(root / "data", "run", str(SHORT_CRASH), "--seed", str(SEED), "--workers", "1")
        assert answer.exit_code == 0, answer.output
        yield root / "data"


@pytest.fixture
def copy(recorded: Path, tmp_path: Path) -> Path:
    """A copy of the recorded run to damage."""
    return Path(shutil.copytree(recorded, tmp_path / "data"))


def flip_byte(path: Path, offset: int) -> None:
    content = bytearray(path.read_bytes())
    content[offset] ^= 0x01
    path.write_bytes(bytes(content))


def table_file(data_dir: Path, table: str) -> Path:
    schema, name = table.split(".")
    return data_dir / "lake" / schema / name / f"scenario={SID}" / "part-0.parquet"


def assert_clean_exit(answer: Result, code: int) -> None:
    """The exit code asked for, by sys.exit: no traceback."""
    assert answer.exit_code == code, answer.output
    assert answer.exception is None or isinstance(answer.exception, SystemExit), answer.exception
    assert "Traceback" not in answer.output


def test_the_manifest_records_inputs_seed_and_every_table(recorded: Path) -> None:
    manifest = read_manifest(recorded / "lake", SID)
    assert manifest.seed == SEED
    assert {o.table for o in manifest.outputs} == set(CONTRACTS)
    for output in manifest.outputs:
        content = (recorded / "lake" / output.path).read_bytes()
        assert output.sha256 == hashlib.sha256(content).hexdigest(), output.table
    scenario = manifest.input("scenario")
    assert scenario.sha256 == hashlib.sha256(SHORT_CRASH.read_bytes()).hexdigest()
    assert scenario.path == "data/scenarios/short_crash.yaml"
    assert manifest.input("limits").path == "risk_monitor/limits/default.yaml"
    market = [i for i in manifest.inputs if i.role == "market_data"]
    assert market
    assert all(i.path.startswith("data/bundled/binance_") for i in market)
    text = manifest_path(recorded / "lake", SID).read_text()
    assert str(recorded) not in text, "no absolute path: the same run gives the same manifest"
    with duckdb.connect(str(recorded / "warehouse.duckdb"), read_only=True) as warehouse:
        rows = warehouse.execute(
            "select kind, count(*) from audit.run_manifest where scenario_id = ? group by kind",
            [SID],
        ).fetchall()
    assert dict(rows) == {"input": len(manifest.inputs), "output": len(CONTRACTS)}


def test_verify_passes_on_a_fresh_run(recorded: Path) -> None:
    answer = cli(recorded, "verify", SID)
    assert_clean_exit(answer, 0)
    assert f"verified: {len(CONTRACTS)} tables" in answer.output
    assert DIFFERS not in answer.output
    assert not list(recorded.glob(".verify-*")), "the rerun's directory is removed"


@pytest.mark.parametrize(
    ("table", "where"),
    [("risk.alerts", "middle"), ("prod.market_ticks", "footer")],
)
def test_verify_names_a_table_with_a_flipped_byte(copy: Path, table: str, where: str) -> None:
    path = table_file(copy, table)
    size = path.stat().st_size
    flip_byte(path, size // 2 if where == "middle" else size - 12)
    answer = cli(copy, "verify", SID)
    assert_clean_exit(answer, 1)
    differing = [line for line in answer.output.splitlines() if line.startswith(DIFFERS)]
    assert len(differing) == 1, answer.output
    assert differing[0].startswith(f"DIFFERS {table}: stored file")


def test_a_flipped_byte_anywhere_in_any_table_is_caught(copy: Path) -> None:
    """Without a rerun: the lake against the manifest, every table, bytes all over the file
    (magic, pages, footer); a corrupt file is reported, never raised."""
    manifest = read_manifest(copy / "lake", SID)
    for output in manifest.outputs:
        path = copy / "lake" / output.path
        original = path.read_bytes()
        for offset in sorted({0, 5, len(original) // 3, len(original) // 2, len(original) - 1}):
            flip_byte(path, offset)
            rows = {r.name: r for r in output_rows(manifest, None, copy / "lake")}
            assert [name for name, r in rows.items() if r.status == DIFFERS] == [output.table]
            assert rows[output.table].note.startswith("stored file"), rows[output.table].note
            path.write_bytes(original)
    (copy / "lake" / manifest.outputs[0].path).unlink()
    rows = {r.name: r for r in output_rows(manifest, None, copy / "lake")}
    assert rows[manifest.outputs[0].table].note == "missing from the lake"


def test_verify_says_which_input_changed(copy: Path) -> None:
    scenario = copy / "scenarios" / "short_crash.yaml"
    scenario.write_text(scenario.read_text().replace("for tests", "for tests, edited"))
    answer = cli(copy, "verify", SID)
    assert_clean_exit(answer, 1)
    assert "INPUT CHANGED scenario short_crash: changed since the run" in answer.output


@pytest.mark.parametrize("command", ["verify", "evidence"])
def test_an_unknown_scenario_is_named_with_what_to_do(tmp_path: Path, command: str) -> None:
    answer = cli(tmp_path, command, "no_such_run")
    assert_clean_exit(answer, 1)
    flat = " ".join(answer.output.split())
    assert "no run manifest for scenario 'no_such_run'" in flat
    assert "riskproof run no_such_run" in flat


def members_of(archive: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
        }


def test_evidence_is_one_deterministic_archive_a_reviewer_can_follow(recorded: Path) -> None:
    answer = cli(recorded, "evidence", SID)
    assert_clean_exit(answer, 0)
    path = recorded / "exports" / "evidence" / "short_crash.tar.gz"
    archive = path.read_bytes()
    again = recorded / "again.tar.gz"
    assert_clean_exit(cli(recorded, "evidence", SID, "-o", str(again)), 0)
    assert again.read_bytes() == archive
    members = members_of(archive)
    folder = "short_crash-evidence/"
    assert set(members) == {
        folder + name
        for name in (
            "README.md",
            "manifest.json",
            "scenario/short_crash.yaml",
            "limits/default.yaml",
            "scorecard.csv",
            "report.html",
            "lake.sha256",
        )
    }
    assert members[folder + "scenario/short_crash.yaml"] == SHORT_CRASH.read_bytes()
    assert members[folder + "manifest.json"] == manifest_path(recorded / "lake", SID).read_bytes()
    scorecard = members[folder + "scorecard.csv"].decode().splitlines()
    assert scorecard[0].startswith("scenario_id,expectation_id")
    assert [line.split(",")[0] for line in scorecard[1:]] == [SID, SID]
    assert b'id="short_crash"' in members[folder + "report.html"]
    for line in members[folder + "lake.sha256"].decode().splitlines():
        digest, relative = line.split("  ")
        assert hashlib.sha256((recorded / "lake" / relative).read_bytes()).hexdigest() == digest
    readme = members[folder + "README.md"].decode()
    for output in read_manifest(recorded / "lake", SID).outputs:
        assert f"| {output.table} | {output.rows} | `{output.sha256}` |" in readme
    assert f"--seed {SEED}" in readme
    assert f"riskproof verify {SID}" in readme


FAKE_KEYS = {
    "COINGECKO_API_KEY": "CG-fake-pro-key-0123456789",
    "COINGECKO_DEMO_API_KEY": "CG-fake-demo-key-9876543210",
    "RISKPROOF_EXCHANGE_API_KEY": "fake-exchange-key-abcdef",
    "RISKPROOF_EXCHANGE_SECRET": "fake-exchange-secret-uvwxyz",
}


def test_evidence_never_holds_an_api_key(
    recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in FAKE_KEYS.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "evidence.tar.gz"
    assert_clean_exit(cli(recorded, "evidence", SID, "-o", str(out)), 0)
    archive = out.read_bytes()
    unpacked = gzip.decompress(archive)
    for value in FAKE_KEYS.values():
        assert value.encode() not in archive
        assert value.encode() not in unpacked


def test_evidence_refuses_rather_than_ship_a_credential(
    recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key that happens to be in a member (here: the scenario's title) stops the archive."""
    monkeypatch.setenv("COINGECKO_API_KEY", "A short crash, for tests")
    out = tmp_path / "evidence.tar.gz"
    answer = cli(recorded, "evidence", SID, "-o", str(out))
    assert_clean_exit(answer, 1)
    assert "COINGECKO_API_KEY" in answer.output
    assert "short_crash-evidence/scenario/short_crash.yaml" in answer.output
    assert "A short crash, for tests" not in answer.output.replace("\n", " ")
    assert not out.exists()


def test_evidence_refuses_a_lake_that_no_longer_matches_its_manifest(copy: Path) -> None:
    flip_byte(table_file(copy, "risk.signals"), 100)
    out = copy / "refused.tar.gz"
    answer = cli(copy, "evidence", SID, "-o", str(out))
    assert_clean_exit(answer, 1)
    assert "risk.signals" in answer.output
    assert "riskproof verify short_crash" in " ".join(answer.output.split())
    assert not out.exists()
