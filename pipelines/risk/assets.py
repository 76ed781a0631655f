"""The system under test: the production risk monitor over prod tables only."""

from collections.abc import Iterator
from datetime import timedelta

import polars as pl
from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, multi_asset

from pipelines.partitions import scenario_partitions
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.limits import LimitsLibrary
from pipelines.resources.storage import Storage, asset_key
from pipelines.specs import check_specs
from risk_monitor import evaluate

OUTPUTS = {
    "risk.signals": "Every evaluation of every rule: value, levels, state.",
    "risk.alerts": "Alerts raised and cleared, with severity, the value and the threshold.",
    "risk.compliance_status": "Compliance status per mandate at each change.",
    "risk.monitor_telemetry": "The monitor's own health: data age per source, rows evaluated.",
}
# The monitor's health as a Prometheus scrape would see it, one sample per scrape interval (and
# only those are built): the lake holds the metrics, not a second copy of the signals.
TELEMETRY_SCRAPE = timedelta(seconds=10)
PROD_INPUTS = [
    asset_key(table)
    for table in (
        "prod.market_ticks",
        "prod.account_balances",
        "prod.settlements",
        "prod.exchange_orders",
        "prod.api_status",
    )
]


@multi_asset(
    specs=[
        AssetSpec(asset_key(t), description=d, deps=PROD_INPUTS, group_name="risk")
        for t, d in OUTPUTS.items()
    ],
    partitions_def=scenario_partitions,
    check_specs=[spec for table in OUTPUTS for spec in check_specs(table)],
)
def risk_monitor(
    context: AssetExecutionContext,
    catalog: ScenarioCatalog,
    limits_library: LimitsLibrary,
    storage: Storage,
) -> Iterator[MaterializeResult]:  # type: ignore[type-arg]
    """Runs the production risk monitor point-in-time over the prod tables. Its only other input
    is the limits deployment the scenario selects; it sees no injection, label or internal state.
    The evaluation window is the span of the published ticks."""
    scenario_id = context.partition_key
    scenario = catalog.load(scenario_id)
    limits = limits_library.load(scenario.spec.limits, scenario.source)
    ticks = storage.read("prod.market_ticks", scenario_id)
    balances = storage.read("prod.account_balances", scenario_id)
    start, end = ticks.select(
        pl.col("ts").min().alias("start"), pl.col("ts").max().alias("end")
    ).row(0)
    output = evaluate(
        ticks,
        balances,
        limits,
        start,
        end,
        settlements=storage.read("prod.settlements", scenario_id),
        exchange_orders=storage.read("prod.exchange_orders", scenario_id),
        api_status=storage.read("prod.api_status", scenario_id),
        telemetry_every=TELEMETRY_SCRAPE,
    )
    yield from storage.store_many(
        scenario_id,
        {
            "risk.signals": output.signals,
            "risk.alerts": output.alerts,
            "risk.compliance_status": output.compliance_status,
            "risk.monitor_telemetry": output.monitor_telemetry,
        },
    )
