"""Storage as the assets see it: read a table's partition, or check and write one."""

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetKey,
    ConfigurableResource,
    Failure,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
)

from pipelines.checks import CheckOutcome, check_table, contract_outcome
from pipelines.contracts import CONTRACTS
from pipelines.resources.lake import Lake, written_sha256


def asset_key(table: str) -> AssetKey:
    return AssetKey(table.split("."))


STORE_THREADS = 2


class Storage(ConfigurableResource):  # type: ignore[type-arg]
    lake: Lake

    def read(self, table: str, scenario_id: str) -> pl.DataFrame:
        contract = CONTRACTS[table]
        return self.lake.read(contract.schema, contract.table, scenario_id)

    def store(
        self,
        table: str,
        scenario_id: str,
        frame: pl.DataFrame,
        extra_checks: tuple[CheckOutcome, ...] = (),
        metadata: Mapping[str, Any] | None = None,
        pending_check: Callable[[], CheckOutcome] | None = None,
    ) -> MaterializeResult:  # type: ignore[type-arg]
        """Run the table's checks; write only if all pass, so the lake (and the warehouse's views
        over it) never hold a table that broke its own contract. `pending_check` is a check
        still running elsewhere: the table is written aside meanwhile, and published once it
        has passed."""
        parts = check_table(frame, CONTRACTS[table])
        extra = list(extra_checks)
        _refuse_failed(table, scenario_id, [*parts, *extra])

        def finish_checks() -> None:
            if pending_check is not None:
                extra.append(pending_check())
                _refuse_failed(table, scenario_id, [*parts, *extra])

        return self._write(table, scenario_id, frame, parts, extra, metadata, finish_checks)

    def store_many(
        self, scenario_id: str, frames: Mapping[str, pl.DataFrame]
    ) -> list[MaterializeResult]:  # type: ignore[type-arg]
        """Several tables of one asset, in order: every contract is checked before any table is
        written, so a step refused for one writes none; then they are written two at a time
        (Polars' writer and hashlib let go of the interpreter)."""
        tables = list(frames)
        with ThreadPoolExecutor(STORE_THREADS) as pool:
            checked = list(pool.map(lambda t: check_table(frames[t], CONTRACTS[t]), tables))
            for table, parts in zip(tables, checked, strict=True):
                _refuse_failed(table, scenario_id, parts)
            return list(
                pool.map(
                    lambda t, parts: self._write(t, scenario_id, frames[t], parts, []),
                    tables,
                    checked,
                )
            )

    def _write(
        self,
        table: str,
        scenario_id: str,
        frame: pl.DataFrame,
        parts: list[CheckOutcome],
        extra: list[CheckOutcome],
        metadata: Mapping[str, Any] | None = None,
        before_publish: Callable[[], None] = lambda: None,
    ) -> MaterializeResult:  # type: ignore[type-arg]
        """The table written; its check results are the contract (`parts`, as one check) and
        `extra`, as it stands once the table is published."""
        contract = CONTRACTS[table]
        path = self.lake.write(contract.schema, contract.table, scenario_id, frame, before_publish)
        outcomes = [contract_outcome(parts), *extra]
        return MaterializeResult(
            asset_key=asset_key(table),
            metadata={
                "rows": frame.height,
                "path": MetadataValue.path(str(path)),
                "sha256": written_sha256(path),
                "dagster/column_schema": _table_schema(frame),
                **(metadata or {}),
            },
            check_results=[
                AssetCheckResult(
                    asset_key=asset_key(table),
                    check_name=o.name,
                    passed=o.passed,
                    metadata={"detail": o.description},
                )
                for o in outcomes
            ],
        )


def _refuse_failed(table: str, scenario_id: str, checks: list[CheckOutcome]) -> None:
    failed = [o for o in checks if not o.passed]
    if failed:
        reasons = "; ".join(f"{o.name}: {o.description}" for o in failed)
        raise Failure(f"{table} for scenario {scenario_id!r} broke its contract: {reasons}")


def _table_schema(frame: pl.DataFrame) -> TableSchema:
    return TableSchema(
        columns=[TableColumn(name, str(dtype)) for name, dtype in frame.schema.items()]
    )
