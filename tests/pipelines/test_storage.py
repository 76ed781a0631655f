"""Storage writes a partition only when every check passed, including one still running
elsewhere (the great_expectations suite in its sidecar) while the table is written aside."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from dagster import Failure

from pipelines.checks import CheckOutcome
from pipelines.resources.lake import Lake
from pipelines.resources.storage import Storage
from simulators.schemas import MARKET_TICKS, REFERENCE_PRICES

T0 = datetime(2021, 5, 1, tzinfo=UTC)
PASSED = CheckOutcome("great_expectations", True, "3 expectations met")
FAILED = CheckOutcome("great_expectations", False, "3 expectations; failures: ['price > 0']")


def _ticks(price: float) -> pl.DataFrame:
    rows = [
        (T0 + timedelta(seconds=s), "BTC/USD", price, T0 + timedelta(seconds=s + 1)) for s in (0, 1)
    ]
    return pl.DataFrame(rows, schema=MARKET_TICKS, orient="row")


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    return Storage(lake=Lake(root=str(tmp_path)))


def test_a_table_is_published_once_the_pending_check_passes(storage: Storage) -> None:
    result = storage.store("prod.market_ticks", "s1", _ticks(100.0), pending_check=lambda: PASSED)
    assert storage.read("prod.market_ticks", "s1").equals(_ticks(100.0))
    assert [c.check_name for c in result.check_results or []] == ["contract", "great_expectations"]


def test_a_failed_pending_check_leaves_the_partition_as_it_was(storage: Storage) -> None:
    storage.store("prod.market_ticks", "s1", _ticks(100.0))
    with pytest.raises(Failure, match=r"prod.market_ticks for scenario 's1'.*price > 0"):
        storage.store("prod.market_ticks", "s1", _ticks(-1.0), pending_check=lambda: FAILED)
    assert storage.read("prod.market_ticks", "s1").equals(_ticks(100.0))
    assert _files(storage) == ["part-0.parquet"]


def test_a_pending_check_that_errors_writes_nothing(storage: Storage) -> None:
    def sidecar_gone() -> CheckOutcome:
        raise RuntimeError("the great_expectations sidecar stopped")

    with pytest.raises(RuntimeError, match="sidecar stopped"):
        storage.store("prod.market_ticks", "s2", _ticks(100.0), pending_check=sidecar_gone)
    assert not storage.lake.path("prod", "market_ticks", "s2").exists()
    assert _files(storage, "s2") == []


def test_a_broken_contract_is_refused_before_the_pending_check_is_awaited(
    storage: Storage,
) -> None:
    def never() -> CheckOutcome:
        raise AssertionError("awaited a check for a table that is refused anyway")

    backwards = _ticks(100.0).reverse()
    with pytest.raises(Failure, match="time_ordered"):
        storage.store("prod.market_ticks", "s3", backwards, pending_check=never)


def _files(storage: Storage, scenario_id: str = "s1") -> list[str]:
    folder = storage.lake.path("prod", "market_ticks", scenario_id).parent
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_several_tables_are_stored_in_order(storage: Storage) -> None:
    results = storage.store_many(
        "s4", {"prod.market_ticks": _ticks(100.0), "audit.reference_prices": _reference()}
    )
    assert [r.asset_key.path for r in results if r.asset_key] == [
        ["prod", "market_ticks"],
        ["audit", "reference_prices"],
    ]
    assert storage.read("audit.reference_prices", "s4").equals(_reference())


def test_one_refused_table_means_none_of_the_others_is_written(storage: Storage) -> None:
    backwards = _ticks(100.0).reverse()
    with pytest.raises(Failure, match="prod.market_ticks for scenario 's5'.*time_ordered"):
        storage.store_many(
            "s5", {"audit.reference_prices": _reference(), "prod.market_ticks": backwards}
        )
    assert not storage.lake.path("audit", "reference_prices", "s5").exists()
    assert _files(storage, "s5") == []


def _reference() -> pl.DataFrame:
    return _ticks(100.0).select("ts", "pair", "price", price_clean="price").cast(REFERENCE_PRICES)
