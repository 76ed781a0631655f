"""Storage as the assets see it: read a table's partition, or check and write one."""

from collections.abc import Callable, Mapping
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
from pipelines.resources.lake import Lake, file_sha256


def asset_key(table: str) -> AssetKey:
    return AssetKey(table.split("."))


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
        contract = CONTRACTS[table]
        parts = check_table(frame, contract)
        checks = [*parts, *extra_checks]
        _refuse_failed(table, scenario_id, checks)

        def finish_checks() -> None:
            if pending_check is not None:
                checks.append(pending_check())
                _refuse_failed(table, scenario_id, checks)

        path = self.lake.write(contract.schema, contract.table, scenario_id, frame, finish_checks)
        outcomes = [contract_outcome(parts), *checks[len(parts) :]]
        return MaterializeResult(
            asset_key=asset_key(table),
            metadata={
                "rows": frame.height,
                "path": MetadataValue.path(str(path)),
                "sha256": file_sha256(path),
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
