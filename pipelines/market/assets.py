"""Market data in: real candles for the scenario's window, then the clean-candles stage."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from pipelines.partitions import scenario_partitions
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.market_source import BundledMarketSource
from pipelines.resources.storage import Storage
from pipelines.specs import check_specs
from simulators.market_data.candles import validate_candles


@asset(
    key=["raw", "candles"],
    partitions_def=scenario_partitions,
    check_specs=check_specs("raw.candles"),
    group_name="market",
)
def raw_candles(
    context: AssetExecutionContext,
    catalog: ScenarioCatalog,
    market_source: BundledMarketSource,
    storage: Storage,
) -> MaterializeResult:  # type: ignore[type-arg]
    """Real exchange candles covering the scenario's market window, as the source holds them."""
    scenario = catalog.load(context.partition_key)
    candles = market_source.candles(scenario.start, scenario.end)
    pairs = sorted(candles["pair"].unique())
    return storage.store(
        "raw.candles", scenario.id, candles, metadata={"source_pairs": ", ".join(pairs)}
    )


@asset(
    key=["market", "candles"],
    deps=[raw_candles],
    partitions_def=scenario_partitions,
    check_specs=check_specs("market.candles"),
    group_name="market",
)
def clean_candles(context: AssetExecutionContext, storage: Storage) -> MaterializeResult:  # type: ignore[type-arg]
    """Candles that passed validation at the door: positive prices, high >= low, open and close
    inside [low, high], no duplicates. A bad candle stops the run with its pair and time."""
    scenario_id = context.partition_key
    candles = validate_candles(storage.read("raw.candles", scenario_id))
    return storage.store("market.candles", scenario_id, candles)
