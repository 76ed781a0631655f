"""The judge's evidence beyond the verdicts: the timeline, the causal chains, coverage and the
effectiveness score, each a scenario partition like every other stage.

Coverage is stored per scenario, not as one unpartitioned asset: a replay materialises one
partition, runs of different scenarios may write concurrently, and the warehouse table is the
union of the partitions, so "covered across the library" is one GROUP BY (or `riskproof coverage`)
and no run ever has to rewrite another's rows.
"""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from correlator.causation import causation_chains
from correlator.coverage import scenario_coverage
from correlator.effectiveness import effectiveness
from correlator.timeline import build_timeline
from pipelines.audit.assets import ALERTS, VENUE_TRUTH, scenario_results, unexplained
from pipelines.audit.reading import CHAOS_TABLES, chaos_events, prod_views, truth_of
from pipelines.partitions import scenario_partitions
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.limits import LimitsLibrary
from pipelines.resources.storage import Storage
from pipelines.simulation.assets import injections, market_ticks, reference
from pipelines.specs import check_specs

SIGNALS = AssetKey(["risk", "signals"])
CHAOS = [AssetKey(table.split(".")) for table in CHAOS_TABLES]
GROUP = "audit"


@asset(
    key=["audit", "timeline"],
    deps=[injections, scenario_results, SIGNALS, ALERTS, *CHAOS],
    partitions_def=scenario_partitions,
    check_specs=check_specs("audit.timeline"),
    group_name=GROUP,
)
def timeline(
    context: AssetExecutionContext, catalog: ScenarioCatalog, storage: Storage
) -> MaterializeResult:  # type: ignore[type-arg]
    """Every event of the run in one ordered table: injections, venue chaos, material onsets,
    signal level changes, alerts raised and cleared, verdicts. A trace per cause; walk
    parent_span_id from an alert back to its injection. `riskproof export otlp` exports it."""
    sid = context.partition_key
    frame = build_timeline(
        catalog.load(sid),
        storage.read("audit.scenario_results", sid),
        storage.read("risk.signals", sid),
        storage.read("risk.alerts", sid),
        chaos_events(storage.lake, sid),
    )
    traces = frame.get_column("trace_id").n_unique()
    return storage.store("audit.timeline", sid, frame, metadata={"traces": traces})


@asset(
    key=["audit", "causation_chains"],
    deps=[scenario_results, reference, *VENUE_TRUTH, market_ticks, SIGNALS, ALERTS],
    partitions_def=scenario_partitions,
    check_specs=check_specs("audit.causation_chains"),
    group_name=GROUP,
)
def chains(
    context: AssetExecutionContext, catalog: ScenarioCatalog, storage: Storage
) -> MaterializeResult:  # type: ignore[type-arg]
    """Per expectation, system_causation_chain{trigger, effect, correlation}: injection start,
    material onset, first prod-visible change, first signal level change, first alert, and how
    strongly (and how late) the rule's signal follows the injected condition."""
    sid = context.partition_key
    frame = causation_chains(
        catalog.load(sid),
        storage.read("audit.scenario_results", sid),
        truth_of(storage.lake, sid),
        storage.read("risk.signals", sid),
        storage.read("risk.alerts", sid),
        prod_views(storage.lake, sid),
    )
    return storage.store("audit.causation_chains", sid, frame)


@asset(
    key=["audit", "coverage"],
    deps=[scenario_results],
    partitions_def=scenario_partitions,
    check_specs=check_specs("audit.coverage"),
    group_name=GROUP,
)
def coverage(
    context: AssetExecutionContext,
    catalog: ScenarioCatalog,
    limits_library: LimitsLibrary,
    storage: Storage,
) -> MaterializeResult:  # type: ignore[type-arg]
    """audit_coverage{risk_scenario, tested, validated}: what this run exercised (and whether it
    passed), plus each rule of its limits that nothing exercised."""
    scenario = catalog.load(context.partition_key)
    limits = limits_library.load(scenario.spec.limits, scenario.source)
    rules = [name for name, _ in limits.rules.configured()]
    results = storage.read("audit.scenario_results", scenario.id)
    return storage.store("audit.coverage", scenario.id, scenario_coverage(scenario, results, rules))


@asset(
    key=["audit", "effectiveness"],
    deps=[scenario_results, unexplained],
    partitions_def=scenario_partitions,
    check_specs=check_specs("audit.effectiveness"),
    group_name=GROUP,
)
def effectiveness_score(context: AssetExecutionContext, storage: Storage) -> MaterializeResult:  # type: ignore[type-arg]
    """The run's risk-system effectiveness: severity-weighted share of expectations passed, less
    0.1 per rule that fired with nothing asking for it (formula in correlator/effectiveness.py)."""
    sid = context.partition_key
    frame = effectiveness(
        storage.read("audit.scenario_results", sid), storage.read("audit.unexplained_alerts", sid)
    )
    return storage.store(
        "audit.effectiveness", sid, frame, metadata={"score": frame.get_column("score").item()}
    )
