"""The great_expectations gate as a resource: its sidecar starts when a run's resources do, so
the import is done by the time the replay reaches the tick table."""

import polars as pl
from dagster import ConfigurableResource, InitResourceContext

from pipelines.quality import sidecar
from pipelines.quality.ticks_suite import SuiteOutcome


class QualityGate(ConfigurableResource):  # type: ignore[type-arg]
    def setup_for_execution(self, context: InitResourceContext) -> None:
        sidecar.warm_up()

    def validate_market_ticks(self, ticks: pl.DataFrame, pairs: list[str]) -> SuiteOutcome:
        return sidecar.validate(ticks, pairs)
