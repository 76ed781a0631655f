"""The DuckDB warehouse: one view per lake table, over every scenario partition, published by a
single writer at a time."""

from collections.abc import Mapping
from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from filelock import FileLock
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_exponential

from pipelines.project import WAREHOUSE_PATH


class WarehouseBusyError(RuntimeError):
    pass


class Warehouse(ConfigurableResource):  # type: ignore[type-arg]
    """DuckDB lets one process write at a time: a file lock queues our own writers, and a retry
    waits out a reader such as an open `duckdb` shell before giving up with a clear message."""

    path: str = str(WAREHOUSE_PATH)

    def publish(self, views: Mapping[str, str]) -> set[str]:
        """Expose each `schema.table` of `views` as a view of its query, in one transaction.

        The lake is the single copy of the data: each partition file is replaced atomically, so a
        query sees every partition whole, old or new, and publishing costs the same whatever the
        tables' size. One connection for them all: opening the database is most of the cost of
        publishing one view. Returns every view the warehouse holds once committed."""
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{self.path}.lock", timeout=300):
            connection = self._connect()
            try:
                connection.execute("BEGIN TRANSACTION")
                for name, query in views.items():
                    schema, table = name.split(".")
                    connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                    connection.execute(f'CREATE OR REPLACE VIEW "{schema}"."{table}" AS {query}')
                connection.execute("COMMIT")
                held = connection.execute(
                    "SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal"
                ).fetchall()
            finally:
                connection.close()
        return {name for (name,) in held}

    @retry(
        retry=retry_if_exception_type(duckdb.IOException),
        stop=stop_after_delay(30),
        wait=wait_exponential(multiplier=0.1, max=2),
        reraise=True,
    )
    def _connect_with_retry(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(self.path)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        try:
            return self._connect_with_retry()
        except duckdb.IOException as error:
            raise WarehouseBusyError(
                f"{self.path} is held by another process (an open duckdb shell?): {error}"
            ) from error


def parquet_view(lake_glob: str) -> str:
    """Every scenario partition of a lake table, columns matched by name across partitions."""
    files = quoted(str(Path(lake_glob).resolve()))
    return f"SELECT * FROM read_parquet('{files}', union_by_name = true)"


def quoted(text: str) -> str:
    """A SQL string literal's body: DDL cannot take bound parameters, so quotes are doubled."""
    return text.replace("'", "''")
