"""The venues: scripted order flow through the exchange, the custodian settling it, and what each
venue's API showed the desk. One step, because the balances a desk sees are both venues' books."""

from collections.abc import Iterator

import polars as pl
from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, asset, multi_asset

from pipelines.market.assets import clean_candles
from pipelines.partitions import scenario_partitions
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.storage import Storage, asset_key
from pipelines.simulation.assets import reference
from pipelines.specs import check_specs
from simulators.custodian import simulate_custodian
from simulators.custodian.schemas import INSTRUCTIONS
from simulators.exchange import simulate_exchange
from simulators.orders import scripted_orders
from simulators.schemas import ACCOUNT_TRUTH
from simulators.strategies import simulate_with_strategies
from simulators.strategies.schemas import (
    CHAOS_STRATEGY_STATUS,
    STRATEGY_LOG,
    STRATEGY_PERFORMANCE,
)
from simulators.venues.settled import settled_snapshots, settled_truth, transfer_totals
from simulators.venues.setup import (
    PIPELINE_EXCHANGE,
    chaos_windows,
    custodian_config,
    opening_balances,
    settlement_links,
)

GROUP = "venues"


@asset(
    key=["audit", "order_requests"],
    partitions_def=scenario_partitions,
    check_specs=check_specs("audit.order_requests"),
    group_name=GROUP,
)
def order_requests(
    context: AssetExecutionContext, catalog: ScenarioCatalog, storage: Storage
) -> MaterializeResult:  # type: ignore[type-arg]
    """The orders the desk sends: the scenario's scripted flow, one request per repetition."""
    scenario = catalog.load(context.partition_key)
    return storage.store("audit.order_requests", scenario.id, scripted_orders(scenario))


OUTPUTS = {
    "audit.exchange_fills": "Every execution as the matching engine made it.",
    "audit.exchange_order_events": "Every state change of every order, with reject reasons.",
    "audit.exchange_house_balances": "The exchange's fee and synthetic-market accounts.",
    "audit.exchange_book": "The book (synthetic depth and resting client orders), sampled.",
    "audit.venue_prices": "The exchange's mid with market impact (price) and without it.",
    "audit.exchange_chaos_events": "Exchange backdoors opening and closing.",
    "audit.exchange_calibration": "How each pair's book was sized from the real candles.",
    "audit.settlements": "Every settlement obligation in its final state (custodian truth).",
    "audit.settlement_events": "Every step of every settlement: instructed, rejected, settled.",
    "audit.custodian_ledger": "The custodian's double-entry journal, exact in integer units.",
    "audit.custodian_transfers": "Deposit and withdrawal lifecycles.",
    "audit.custodian_chaos_events": "Custodian backdoors opening and closing.",
    "audit.account_balances": "True balances of every account on both venues, a row per change.",
    "prod.exchange_orders": "Order updates as the desk's client received them.",
    "prod.exchange_fills": "Fills as the desk's fill feed delivered them.",
    "prod.settlements": "The custodian's settlement API, as the desk polled it.",
    "prod.account_balances": "Balance snapshots of both venues' APIs, as the desk polled them.",
    "prod.api_status": "Every poll of every venue API: ok, or the error the desk got.",
    "audit.strategy_log": "Every order intent each strategy emitted: sent, or blocked by its OMS.",
    "audit.chaos_strategy_status": "When each chaos strategy was switched on and off.",
    "prod.strategy_performance": "P&L, positions and turnover per strategy, as its API showed.",
}


@multi_asset(
    specs=[
        AssetSpec(
            asset_key(table),
            description=description,
            deps=[clean_candles, reference, order_requests],
            group_name=GROUP,
        )
        for table, description in OUTPUTS.items()
    ],
    partitions_def=scenario_partitions,
    check_specs=[spec for table in OUTPUTS for spec in check_specs(table)],
)
def venues(
    context: AssetExecutionContext, catalog: ScenarioCatalog, storage: Storage
) -> Iterator[MaterializeResult]:  # type: ignore[type-arg]
    """The exchange matches the desk's orders against depth calibrated from the real candles and
    moves its price by their impact; the custodian settles the resulting trading per cycle; each
    backdoor the scenario opens acts on its venue. Both venues' internal truth goes to audit,
    what their APIs showed to prod."""
    scenario = catalog.load(context.partition_key)
    inputs = (
        storage.read("audit.reference_prices", scenario.id),
        storage.read("market.candles", scenario.id),
        storage.read("audit.order_requests", scenario.id),
        opening_balances(scenario, "exchange"),
        chaos_windows(scenario, "exchange"),
        scenario.spec.seed,
    )
    strategy_tables = {
        "audit.strategy_log": STRATEGY_LOG.to_frame(),
        "audit.chaos_strategy_status": CHAOS_STRATEGY_STATUS.to_frame(),
        "prod.strategy_performance": STRATEGY_PERFORMANCE.to_frame(),
    }
    if scenario.strategies:
        run = simulate_with_strategies(
            *inputs,
            scenario.strategies,
            PIPELINE_EXCHANGE,
            start=scenario.start,
            end=scenario.end,
        )
        exchange = run.exchange
        strategy_tables = {
            "audit.strategy_log": run.strategy_log,
            "audit.chaos_strategy_status": run.chaos_strategy_status,
            "prod.strategy_performance": run.strategy_performance,
        }
    else:  # the scripted flow alone, exactly as before strategies existed
        exchange = simulate_exchange(
            *inputs, PIPELINE_EXCHANGE, start=scenario.start, end=scenario.end
        )
    # A strategy's sub-account without a custodian link trades prefunded: nothing to settle.
    linked = {a.settles for a in scenario.spec.accounts if a.settles is not None}
    prefunded = [s.account for s in scenario.strategies if s.account not in linked]
    custodian = simulate_custodian(
        exchange.fills.filter(pl.col("ts") < scenario.end, ~pl.col("account_id").is_in(prefunded)),
        opening_balances(scenario, "custodian"),
        settlement_links(scenario),
        INSTRUCTIONS.to_frame(),
        chaos_windows(scenario, "custodian"),
        scenario.start,
        scenario.end,
        scenario.spec.seed,
        custodian_config(scenario),
    )
    moved = transfer_totals(custodian.ledger)
    custody_truth = custodian.balances.filter(pl.col("venue") == "custodian")
    tables = {
        "audit.exchange_fills": exchange.fills,
        "audit.exchange_order_events": exchange.order_events,
        "audit.exchange_house_balances": exchange.house_balances,
        "audit.exchange_book": exchange.book,
        "audit.venue_prices": exchange.venue_prices,
        "audit.exchange_chaos_events": exchange.chaos_events,
        "audit.exchange_calibration": exchange.calibration,
        "audit.settlements": custodian.settlements,
        "audit.settlement_events": custodian.settlement_events,
        "audit.custodian_ledger": custodian.ledger,
        "audit.custodian_transfers": custodian.transfers,
        "audit.custodian_chaos_events": custodian.chaos_events,
        "audit.account_balances": pl.concat(
            [settled_truth(exchange.balances, moved, "exchange"), custody_truth]
        )
        .select(ACCOUNT_TRUTH.names())
        .sort("account_id", "asset", "ts", "venue"),
        "prod.exchange_orders": exchange.prod_orders,
        "prod.exchange_fills": exchange.prod_fills,
        "prod.settlements": custodian.prod_settlements.sort("settlement_id", "ts", "available_at"),
        "prod.account_balances": pl.concat(
            [settled_snapshots(exchange.prod_balances, moved), custodian.prod_balances]
        ).sort("ts", "account_id", "venue", "asset"),
        "prod.api_status": pl.concat([exchange.api_status, custodian.api_status]).sort(
            "venue", "endpoint", "ts"
        ),
        **strategy_tables,
    }
    yield from storage.store_many(scenario.id, tables)
