"""The independent judge: did the monitor catch what was injected, and how fast."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from correlator import score_scenario, unexplained_alerts
from pipelines.partitions import scenario_partitions
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.storage import Storage
from pipelines.simulation.assets import injections, reference
from pipelines.specs import check_specs

ALERTS = AssetKey(["risk", "alerts"])
VENUE_TRUTH = [
    AssetKey(["audit", name]) for name in ("account_balances", "settlements", "settlement_events")
]


@asset(
    key=["audit", "scenario_results"],
    deps=[injections, reference, *VENUE_TRUTH, ALERTS],
    partitions_def=scenario_partitions,
    check_specs=check_specs("audit.scenario_results"),
    group_name="audit",
)
def scenario_results(
    context: AssetExecutionContext, catalog: ScenarioCatalog, storage: Storage
) -> MaterializeResult:  # type: ignore[type-arg]
    """Per expectation: the ground-truth onset (from audit truth, never from the monitor: the
    injected effect, or for `caused_by: market` the real prices and the desks' true value), the
    first matching alert, latency against the SLA, and PASS / FAIL_LATE / FAIL_MISSED /
    FAIL_FALSE_POSITIVE; one row per must_not_fire rule."""
    scenario = catalog.load(context.partition_key)
    results = score_scenario(
        scenario,
        storage.read("audit.reference_prices", scenario.id),
        storage.read("risk.alerts", scenario.id),
        storage.read("audit.account_balances", scenario.id),
        storage.read("audit.settlements", scenario.id),
        storage.read("audit.settlement_events", scenario.id),
    )
    passed = results.filter(results["status"] == "PASS").height
    return storage.store(
        "audit.scenario_results",
        scenario.id,
        results,
        metadata={"passed": f"{passed}/{results.height}"},
    )


@asset(
    key=["audit", "unexplained_alerts"],
    deps=[ALERTS],
    partitions_def=scenario_partitions,
    check_specs=check_specs("audit.unexplained_alerts"),
    group_name="audit",
)
def unexplained(
    context: AssetExecutionContext, catalog: ScenarioCatalog, storage: Storage
) -> MaterializeResult:  # type: ignore[type-arg]
    """Alerts the monitor raised that no expectation asked for: noise or real market stress."""
    scenario = catalog.load(context.partition_key)
    frame = unexplained_alerts(scenario, storage.read("risk.alerts", scenario.id))
    return storage.store("audit.unexplained_alerts", scenario.id, frame)
