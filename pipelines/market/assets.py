"""Market data in: real candles for the scenario's window, then the clean-candles stage."""

from collections.abc import Iterator

import polars as pl
from dagster import (
    AssetExecutionContext,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from pipelines.partitions import scenario_partitions
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.market_source import MarketSource
from pipelines.resources.storage import Storage, asset_key
from pipelines.specs import check_specs
from simulators.market_data.candles import Cleaning
from simulators.market_data.candles import clean_candles as clean


@asset(
    key=["raw", "candles"],
    partitions_def=scenario_partitions,
    check_specs=check_specs("raw.candles"),
    group_name="market",
)
def raw_candles(
    context: AssetExecutionContext,
    catalog: ScenarioCatalog,
    market_source: MarketSource,
    storage: Storage,
) -> MaterializeResult:  # type: ignore[type-arg]
    """Real exchange candles covering the scenario's market window, as the source holds them."""
    scenario = catalog.load(context.partition_key)
    candles = market_source.candles(scenario.spec.market.source, scenario.start, scenario.end)
    pairs = sorted(candles["pair"].unique())
    return storage.store(
        "raw.candles",
        scenario.id,
        candles,
        metadata={"market_source": scenario.spec.market.source, "source_pairs": ", ".join(pairs)},
    )


@multi_asset(
    specs=[
        AssetSpec(
            asset_key("market.candles"),
            description="Candles that passed the clean-candles stage, repaired only as the "
            "scenario's market.cleaning declares; anything else stops the run with its pair and "
            "time.",
            deps=[raw_candles],
            group_name="market",
        ),
        AssetSpec(
            asset_key("market.candle_repairs"),
            description="Every wick clipped and gap filled by the clean-candles stage, with the "
            "original value: the evidence of what was changed in the real data.",
            deps=[raw_candles],
            group_name="market",
        ),
    ],
    partitions_def=scenario_partitions,
    check_specs=check_specs("market.candles") + check_specs("market.candle_repairs"),
)
def clean_candles(
    context: AssetExecutionContext, catalog: ScenarioCatalog, storage: Storage
) -> Iterator[MaterializeResult]:  # type: ignore[type-arg]
    """Validation at the door: no duplicates or time running backwards, positive prices, high >=
    low, open and close inside [low, high]; outlier wicks and gaps only where declared."""
    scenario = catalog.load(context.partition_key)
    declared = scenario.spec.market.cleaning
    candles, repairs = clean(
        storage.read("raw.candles", scenario.id),
        scenario.start,
        scenario.end,
        Cleaning(
            fill_gaps=declared.fill_gaps,
            clip_wicks=declared.clip_wicks,
            wick_limit=declared.wick_limit,
        ),
    )
    report = _per_pair_report(candles, repairs)
    yield storage.store("market.candles", scenario.id, candles, metadata={"report": report})
    yield storage.store("market.candle_repairs", scenario.id, repairs)


def _per_pair_report(candles: pl.DataFrame, repairs: pl.DataFrame) -> MetadataValue:
    counts = repairs.group_by("pair", "repair").len().pivot("repair", index="pair", values="len")
    table = (
        candles.group_by("pair", "source", "timeframe")
        .agg(candles=pl.len(), first=pl.col("ts").min(), last=pl.col("ts").max())
        .join(counts, on="pair", how="left")
        .sort("pair")
    )
    for column in ("wick_clipped", "gap_filled"):
        if column not in table.columns:
            table = table.with_columns(pl.lit(0, pl.UInt32()).alias(column))
    with pl.Config(tbl_formatting="MARKDOWN", tbl_hide_column_data_types=True, tbl_rows=-1):
        return MetadataValue.md(str(table.fill_null(0)))
