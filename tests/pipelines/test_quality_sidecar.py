"""The great_expectations gate on prod.market_ticks, run in its sidecar process as the replay
runs it: passes a good table, names what a bad one breaks, and fails loudly if the sidecar dies."""

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines.quality import sidecar as process_sidecar
from pipelines.quality.sidecar import QualitySidecarError, Sidecar
from pipelines.quality.suite_server import read_ticks

PAIRS = ["BTC/USD", "ETH/USD"]


@pytest.fixture(scope="module")
def sidecar() -> Iterator[Sidecar]:
    running = Sidecar()
    yield running
    running.close()


def ticks(rows: int = 100) -> pl.DataFrame:
    start = datetime(2024, 3, 4, tzinfo=UTC)
    ts = pl.datetime_range(start, start + timedelta(seconds=rows - 1), "1s", eager=True)
    return pl.DataFrame(
        {
            "ts": pl.concat([ts, ts]),
            "pair": ["BTC/USD"] * rows + ["ETH/USD"] * rows,
            "price": [60_000.0] * rows + [3_000.0] * rows,
            "available_at": pl.concat([ts, ts]) + timedelta(milliseconds=80),
        }
    ).with_columns(pl.col("ts", "available_at").dt.cast_time_unit("us"))


def test_a_good_tick_table_meets_every_expectation(sidecar: Sidecar) -> None:
    outcome = sidecar.validate_market_ticks(ticks(), PAIRS)
    assert outcome.success
    assert outcome.evaluated == 8
    assert outcome.failures == []


def test_a_bad_tick_table_names_each_broken_expectation(sidecar: Sidecar) -> None:
    bad = ticks().with_columns(
        price=pl.when(pl.int_range(pl.len()) == 3).then(-1.0).otherwise("price"),
        pair=pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("DOGE/USD")).otherwise("pair"),
        available_at=pl.when(pl.int_range(pl.len()) == 7)
        .then(pl.col("ts") - timedelta(seconds=1))
        .otherwise("available_at"),
    )
    outcome = sidecar.validate_market_ticks(bad, PAIRS)
    assert not outcome.success
    failed = " ".join(outcome.failures)
    assert "expect_column_values_to_be_between(price): 1 unexpected" in failed
    assert "expect_column_values_to_be_in_set(pair): 1 unexpected" in failed
    assert "expect_column_pair_values_a_to_be_greater_than_b(): 1 unexpected" in failed


def test_the_sidecar_reads_the_pairs_as_a_categorical_of_the_table_s_own(tmp_path: Path) -> None:
    path = tmp_path / "ticks.arrow"
    ticks().with_columns(
        pair=pl.when(pl.int_range(pl.len()) == 2).then(None).otherwise("pair")
    ).write_ipc(path)
    pair = read_ticks(str(path))["pair"]
    assert pair.dtype == "category"
    assert sorted(pair.cat.categories) == PAIRS
    assert pair.isna().sum() == 1


def test_pairs_outside_the_scenario_s_or_missing_are_counted_from_a_categorical(
    sidecar: Sidecar,
) -> None:
    row = pl.int_range(pl.len())
    bad = ticks().with_columns(
        pair=pl.when(row.is_in([5, 150]))
        .then(pl.lit("DOGE/USD"))
        .when(row == 7)
        .then(None)
        .otherwise("pair")
    )
    outcome = sidecar.validate_market_ticks(bad, PAIRS)
    assert not outcome.success
    assert sorted(outcome.failures) == [
        "expect_column_values_to_be_in_set(pair): 2 unexpected",
        "expect_column_values_to_not_be_null(pair): 1 unexpected",
    ]


def test_a_dead_sidecar_is_a_clear_error() -> None:
    doomed = Sidecar()
    doomed._process.kill()
    doomed._process.wait()
    with pytest.raises(QualitySidecarError, match="sidecar stopped"):
        doomed.validate_market_ticks(ticks(), PAIRS)
    doomed.close()


def test_the_table_handed_to_the_sidecar_is_removed_once_answered(
    sidecar: Sidecar, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert sidecar.validate_market_ticks(ticks(), PAIRS).success
    assert not sidecar.validate_market_ticks(ticks().drop("pair"), PAIRS).success
    doomed = Sidecar()
    doomed.kill()
    with pytest.raises(QualitySidecarError):
        doomed.validate_market_ticks(ticks(), PAIRS)
    doomed.close()
    assert list(tmp_path.iterdir()) == []


def test_a_process_sidecar_validates_one_table_then_exits_and_the_next_starts_afresh() -> None:
    process_sidecar.warm_up()
    first = process_sidecar._sidecar
    assert first is not None
    assert process_sidecar.validate(ticks(), PAIRS).success
    assert first._process.wait(timeout=60) == 0  # exits, handing back what it held
    assert process_sidecar.validate(ticks(), PAIRS).success
    assert process_sidecar._sidecar is None


def test_a_table_that_lost_a_contract_column_fails_the_column_list(sidecar: Sidecar) -> None:
    outcome = sidecar.validate_market_ticks(ticks().drop("available_at"), PAIRS)
    assert not outcome.success
    assert any("expect_table_columns_to_match_ordered_list" in f for f in outcome.failures)


def test_the_sidecar_process_loads_neither_polars_nor_the_project_schemas() -> None:
    # a second Polars beside the replay's costs its second core ~0.4 s of CPU and 30 MB
    code = (
        "import sys; from pipelines.quality import suite_server; suite_server.import_libraries();"
        "watched = {'great_expectations', 'pyarrow', 'polars', 'simulators'};"
        "print(sorted(watched & set(sys.modules)))"
    )
    assert printed_by(code) == "['great_expectations', 'pyarrow']"


def test_the_sidecar_rehearses_on_a_table_the_suite_passes_without_loading_polars() -> None:
    code = (
        "import sys; from pipelines.quality import suite_server; suite_server.import_libraries();"
        "outcome = suite_server.rehearse();"
        "print(outcome.success, outcome.evaluated, outcome.failures, 'polars' in sys.modules)"
    )
    assert printed_by(code) == "True 8 [] False"


def printed_by(code: str) -> str:
    """What `code` prints in a fresh interpreter: the sidecar child starts as one."""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return run.stdout.strip()
