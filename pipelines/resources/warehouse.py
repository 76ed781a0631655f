"""The DuckDB warehouse: one table per lake table, rebuilt from the lake by a single writer."""

from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from filelock import FileLock
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_exponential

from pipelines.project import WAREHOUSE_PATH

SCHEMAS = ("raw", "market", "prod", "risk", "audit", "ground_truth")


class WarehouseBusyError(RuntimeError):
    pass


class Warehouse(ConfigurableResource):  # type: ignore[type-arg]
    """DuckDB lets one process write at a time: a file lock queues our own writers, and a retry
    waits out a reader such as an open `duckdb` shell before giving up with a clear message."""

    path: str = str(WAREHOUSE_PATH)

    def publish(
        self, schema: str, table: str, lake_glob: str, scenario_id: str, partition: str
    ) -> int:
        """Replace one scenario's rows of `schema.table` with its lake partition, in one
        transaction, so a reader sees the table before or after, never in between. A table whose
        columns no longer match the partition is rebuilt from every partition in the lake.
        Returns the table's row count."""
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{self.path}.lock", timeout=300):
            connection = self._connect()
            try:
                connection.execute("BEGIN TRANSACTION")
                for name in SCHEMAS:
                    connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{name}"')
                qualified = f'"{schema}"."{table}"'
                if _columns(connection, schema, table) == _parquet_columns(connection, partition):
                    # Only this scenario changed: rewriting every other one would make each
                    # publish cost as much as the whole lake.
                    connection.execute(
                        f"DELETE FROM {qualified} WHERE scenario_id = ?", [scenario_id]
                    )
                    connection.execute(
                        f"INSERT INTO {qualified} BY NAME SELECT * FROM read_parquet(?)",
                        [partition],
                    )
                else:
                    connection.execute(
                        f"CREATE OR REPLACE TABLE {qualified} AS "
                        "SELECT * FROM read_parquet(?, union_by_name = true)",
                        [lake_glob],
                    )
                connection.execute("COMMIT")
                row = connection.execute(f"SELECT count(*) FROM {qualified}").fetchone()
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


def _columns(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str
) -> list[tuple[str, str]]:
    return [
        (str(name), str(dtype))
        for name, dtype in connection.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def _parquet_columns(connection: duckdb.DuckDBPyConnection, path: str) -> list[tuple[str, str]]:
    described = connection.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
    return [(str(row[0]), str(row[1])) for row in described]
