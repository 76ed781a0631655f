"""The warehouse as the last asset of a replay: DuckDB views over every lake table, published
once the tables are written, in one transaction rather than one per table."""

import glob
from collections.abc import Callable
from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipelines.contracts import CONTRACTS
from pipelines.partitions import scenario_partitions
from pipelines.provenance.assets import KEY as MANIFEST_KEY
from pipelines.provenance.assets import warehouse_query as manifest_query
from pipelines.provenance.manifest import MANIFEST_TABLE, manifest_glob, manifest_path
from pipelines.resources.lake import Lake
from pipelines.resources.storage import Storage, asset_key
from pipelines.resources.warehouse import Warehouse, parquet_view

KEY = AssetKey("warehouse")
QUERYABLE = "scenario_tables_queryable"


@asset(
    key=KEY,
    deps=[*(asset_key(table) for table in sorted(CONTRACTS)), MANIFEST_KEY],
    partitions_def=scenario_partitions,
    check_specs=[AssetCheckSpec(QUERYABLE, asset=KEY)],
    group_name="warehouse",
)
def warehouse(
    context: AssetExecutionContext, storage: Storage, warehouse: Warehouse
) -> MaterializeResult:  # type: ignore[type-arg]
    """A view per lake table over every scenario's partition, so `duckdb <data>/warehouse.duckdb`
    answers SQL across runs. Views read the lake when queried: a later partition shows up
    without publishing again, and nothing is copied."""
    views = lake_views(storage.lake)
    held = warehouse.publish(views)
    missing = sorted(scenario_tables(storage.lake, context.partition_key) - held)
    return MaterializeResult(
        asset_key=KEY,
        metadata={
            "path": MetadataValue.path(warehouse.path),
            "views": len(views),
            "tables": MetadataValue.md("\n".join(f"- `{name}`" for name in views)),
            "try": MetadataValue.text(
                f'duckdb {warehouse.path} "select * from audit.scenario_results"'
            ),
        },
        check_results=[
            AssetCheckResult(
                asset_key=KEY,
                check_name=QUERYABLE,
                passed=not missing,
                metadata={
                    "detail": f"not in the warehouse: {', '.join(missing)}"
                    if missing
                    else "every table the scenario wrote has its view"
                },
            )
        ],
    )


def lake_views(lake: Lake) -> dict[str, str]:
    """The query behind each table's view, for every table with a partition in the lake (a
    table no scenario has written yet has nothing to read)."""
    root = Path(lake.root)
    sources: dict[str, tuple[str, Callable[[str], str]]] = {
        name: (lake.table_glob(c.schema, c.table), parquet_view)
        for name, c in sorted(CONTRACTS.items())
    }
    sources[MANIFEST_TABLE] = (manifest_glob(root), lambda _: manifest_query(root))
    return {name: view(files) for name, (files, view) in sources.items() if _any_file(files)}


def scenario_tables(lake: Lake, scenario_id: str) -> set[str]:
    """The tables holding a partition of `scenario_id`."""
    written = {
        name for name, c in CONTRACTS.items() if lake.path(c.schema, c.table, scenario_id).exists()
    }
    if manifest_path(Path(lake.root), scenario_id).exists():
        written.add(MANIFEST_TABLE)
    return written


def _any_file(pattern: str) -> bool:
    return next(glob.iglob(pattern), None) is not None
