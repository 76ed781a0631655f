"""The replay: injection timeline, chaos-applied reference prices, and what the APIs publish."""

from concurrent.futures import ThreadPoolExecutor

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from pipelines.checks import CheckOutcome
from pipelines.market.assets import clean_candles
from pipelines.partitions import scenario_partitions
from pipelines.quality.ticks_suite import SuiteOutcome
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.quality import QualityGate
from pipelines.resources.storage import Storage
from pipelines.specs import check_specs
from scenarios import injection_timeline
from simulators.market_data.feed_chaos import feed_outages
from simulators.market_data.publish import publish_ticks
from simulators.market_data.replay import reference_prices

GROUP = "simulation"
# Produced by the venues step, which itself reads the reference prices.
VENUE_PRICES = AssetKey(["audit", "venue_prices"])


@asset(
    key=["audit", "injections"],
    partitions_def=scenario_partitions,
    check_specs=check_specs("audit.injections"),
    group_name=GROUP,
)
def injections(
    context: AssetExecutionContext, catalog: ScenarioCatalog, storage: Storage
) -> MaterializeResult:  # type: ignore[type-arg]
    """The injection timeline: what the coordinator breaks, in which component, from when to
    when, with which parameters. Audit truth: the risk monitor never sees it."""
    scenario = catalog.load(context.partition_key)
    return storage.store(
        "audit.injections",
        scenario.id,
        injection_timeline(scenario),
        metadata={"scenario_file": scenario.source, "title": scenario.spec.title},
    )


@asset(
    key=["audit", "reference_prices"],
    deps=[clean_candles, injections],
    partitions_def=scenario_partitions,
    check_specs=check_specs("audit.reference_prices"),
    group_name=GROUP,
)
def reference(
    context: AssetExecutionContext, catalog: ScenarioCatalog, storage: Storage
) -> MaterializeResult:  # type: ignore[type-arg]
    """The true price of every scenario pair at replay resolution, synthesised from the real
    candles (never leaving each candle's high/low) with the market chaos applied; `price_clean`
    keeps the path without chaos so the judge can measure exactly what was injected."""
    scenario = catalog.load(context.partition_key)
    candles = storage.read("market.candles", scenario.id)
    prices, derivation = reference_prices(candles, scenario)
    lineage = {f"usd_leg/{asset}": how for asset, how in sorted(derivation.items())}
    return storage.store("audit.reference_prices", scenario.id, prices, metadata=lineage)


@asset(
    key=["prod", "market_ticks"],
    deps=[VENUE_PRICES],
    partitions_def=scenario_partitions,
    check_specs=check_specs("prod.market_ticks", "great_expectations"),
    group_name=GROUP,
)
def market_ticks(
    context: AssetExecutionContext,
    catalog: ScenarioCatalog,
    storage: Storage,
    quality: QualityGate,
) -> MaterializeResult:  # type: ignore[type-arg]
    """The market-data feed as a production consumer receives it: the exchange's price (the
    reference moved by the desk's own market impact), every tick with the time it became visible
    (`available_at`), after a seeded feed latency, delivered in order; a stale_feed injection
    holds ticks back until it recovers, a gap loses them."""
    scenario = catalog.load(context.partition_key)
    ticks = publish_ticks(
        storage.read("audit.venue_prices", scenario.id),
        scenario.spec.seed,
        outages=feed_outages(scenario.injections, scenario.end),
    )
    # the suite runs in its sidecar while the table is checked and written aside
    with ThreadPoolExecutor(1) as waiting:
        suite = waiting.submit(quality.validate_market_ticks, ticks, scenario.spec.market.pairs)
        return storage.store(
            "prod.market_ticks", scenario.id, ticks, pending_check=lambda: _outcome(suite.result())
        )


def _outcome(suite: SuiteOutcome) -> CheckOutcome:
    return CheckOutcome(
        "great_expectations",
        suite.success,
        f"{suite.evaluated} expectations; failures: {suite.failures}"
        if suite.failures
        else f"{suite.evaluated} expectations met",
    )
