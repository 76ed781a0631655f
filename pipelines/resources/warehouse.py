"""The DuckDB warehouse: one view per lake table, over every scenario partition, published by a
single writer at a time."""

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

    def publish(self, schema: str, table: str, lake_glob: str) -> int:
        """Expose `schema.table` as a view over every scenario partition of the lake table.

        The lake is the single copy of the data: each partition file is replaced atomically, so a
        query sees every partition whole, old or new, and publishing costs the same whatever the
        table's size. Returns the table's row count (from the Parquet footers)."""
        source = f"read_parquet('{quoted(str(Path(lake_glob).resolve()))}', union_by_name = true)"
        return self.publish_query(schema, table, f"SELECT * FROM {source}")

    def publish_query(self, schema: str, table: str, query: str) -> int:
        """Expose `schema.table` as a view of `query` (over lake files); returns its row count."""
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{self.path}.lock", timeout=300):
            connection = self._connect()
            try:
                connection.execute("BEGIN TRANSACTION")
                connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                connection.execute(f'CREATE OR REPLACE VIEW "{schema}"."{table}" AS {query}')
                connection.execute("COMMIT")
                row = connection.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()
            finally:
                connection.close()
        return int(row[0]) if row else 0

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


def quoted(text: str) -> str:
    """A SQL string literal's body: DDL cannot take bound parameters, so quotes are doubled."""
    return text.replace("'", "''")
